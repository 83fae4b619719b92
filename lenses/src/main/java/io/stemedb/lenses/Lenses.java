package io.stemedb.lenses;

import io.stemedb.model.Assertion;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Entry point: resolve one (subject, predicate) through a lens. Pure; safe from any thread.
 *
 * <p>The steps follow the brief's "Lenses (exact rules)": {@link Candidates} (rule 1), {@link
 * Supersession} (rule 2), {@link Authorities} (rule 3), then one order per lens — {@link RecencyOrder},
 * {@link AuthorityOrder}, {@link ConsensusOrder} over {@link Support} — each with its own {@code
 * decidedBy}. Every step reads its input as a set and ranks with a total order, so the answer is the
 * same for any arrival order, batching or duplication of the records.
 */
public final class Lenses {
  /** {@code lenses.default_authority}: the authority of an agent never configured. */
  public static final BigDecimal DEFAULT_AUTHORITY = BigDecimal.ONE;

  private Lenses() {}

  /**
   * @return empty when no claim is a candidate (the API's 404)
   */
  public static Optional<Resolution> resolve(
      Lens lens, Records records, ReadFilter filter, BigDecimal defaultAuthority) {
    Objects.requireNonNull(lens, "lens");
    Objects.requireNonNull(records, "records");
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(defaultAuthority, "defaultAuthority");

    Candidates candidates = Candidates.select(records, filter);
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    EffectiveClaims effective = Supersession.effectiveClaims(candidates);
    return Optional.of(
        switch (lens) {
          case RECENCY -> single(lens, effective, RecencyOrder.verdict(effective.latestFirst()));
          case AUTHORITY -> byAuthority(effective, records, filter, defaultAuthority);
          case CONSENSUS, ALL -> byConsensus(lens, effective, candidates, records, filter, defaultAuthority);
        });
  }

  private static Resolution byAuthority(
      EffectiveClaims effective, Records records, ReadFilter filter, BigDecimal defaultAuthority) {
    AuthorityOrder order =
        new AuthorityOrder(
            Authorities.asOf(records.agentSettings(), filter.asOfIndex(), defaultAuthority));
    List<Assertion> ranked = new ArrayList<>(effective.latestFirst());
    ranked.sort(order);
    return single(Lens.AUTHORITY, effective, order.verdict(ranked));
  }

  /** consensus and all share the ranking of values; all shows it without naming a winner. */
  private static Resolution byConsensus(
      Lens lens,
      EffectiveClaims effective,
      Candidates candidates,
      Records records,
      ReadFilter filter,
      BigDecimal defaultAuthority) {
    Authorities authorities =
        Authorities.asOf(records.agentSettings(), filter.asOfIndex(), defaultAuthority);
    List<ValueTally> ranked =
        Support.tally(effective, candidates, records.votes(), authorities, filter.asOfIndex());
    ranked.sort(ConsensusOrder.BEST_FIRST);
    Verdict verdict = ConsensusOrder.verdict(ranked);
    List<Resolution.ValueSupport> values = new ArrayList<>(ranked.size());
    for (ValueTally tally : ranked) {
      values.add(tally.toValueSupport());
    }
    boolean all = lens == Lens.ALL;
    return new Resolution(
        lens,
        effective.count(),
        effective.contested(),
        all ? null : verdict.winner(),
        all ? null : verdict.runnerUp(),
        verdict.explain(),
        List.copyOf(values));
  }

  /** recency and authority: one winner, no values list. */
  private static Resolution single(Lens lens, EffectiveClaims effective, Verdict verdict) {
    return new Resolution(
        lens,
        effective.count(),
        effective.contested(),
        verdict.winner(),
        verdict.runnerUp(),
        verdict.explain(),
        null);
  }
}
