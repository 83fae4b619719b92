package io.stemedb.lenses;

import io.stemedb.model.Assertion;
import java.math.BigDecimal;
import java.util.List;

/**
 * A lens's answer for one (subject, predicate), with its reasons.
 *
 * @param lens the lens that produced it
 * @param candidates how many effective claims (one per agent, after supersession) were ranked
 * @param contested more than one distinct value among the effective claims
 * @param winner the best effective claim; {@code null} for {@link Lens#ALL}
 * @param runnerUp the second effective claim in the lens's order (for consensus: the latest claim of
 *     the second value, or with a single value that value's next claim); {@code null} when there is one
 *     candidate, and for {@link Lens#ALL}
 * @param explain why the winner beat the runner-up
 * @param values every value with its support and supporters, best first; only for consensus and all
 *     ({@code null} otherwise)
 */
public record Resolution(
    Lens lens,
    int candidates,
    boolean contested,
    Assertion winner,
    Assertion runnerUp,
    Explanation explain,
    List<ValueSupport> values) {

  /** The winning value in canonical JSON, {@code null} for {@link Lens#ALL}. */
  public String value() {
    return winner == null ? null : winner.value();
  }

  /** @param detail a sentence for people, e.g. "crm (authority 5) over web (authority 2)" */
  public record Explanation(DecidedBy decidedBy, String detail) {}

  /**
   * One distinct value and what stands behind it.
   *
   * @param value canonical JSON
   * @param support exact: sum of authority x confidence of its effective claims plus +/- voter
   *     authority of each voter's latest vote on a candidate of this value
   * @param supporters its effective claims, latest first
   */
  public record ValueSupport(String value, BigDecimal support, List<Assertion> supporters) {}
}
