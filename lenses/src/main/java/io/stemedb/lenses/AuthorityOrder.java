package io.stemedb.lenses;

import io.stemedb.model.Assertion;
import java.util.Comparator;
import java.util.List;

/**
 * The {@code authority} lens's order, best first: higher authority (as of the read's index), then
 * higher confidence, then the recency order (later {@code observedAt}, then greater id).
 */
final class AuthorityOrder implements Comparator<Assertion> {
  private final Authorities authorities;

  AuthorityOrder(Authorities authorities) {
    this.authorities = authorities;
  }

  @Override
  public int compare(Assertion a, Assertion b) {
    // compareTo, not equals: 5 and 5.0 are the same authority.
    int byAuthority = authorities.of(b.agent()).compareTo(authorities.of(a.agent()));
    if (byAuthority != 0) {
      return byAuthority;
    }
    int byConfidence = Double.compare(b.confidence(), a.confidence());
    return byConfidence != 0 ? byConfidence : RecencyOrder.BEST_FIRST.compare(a, b);
  }

  /** @param ranked the effective claims in this order */
  Verdict verdict(List<Assertion> ranked) {
    if (ranked.size() == 1) {
      return Verdict.only(ranked.get(0));
    }
    Assertion winner = ranked.get(0);
    Assertion runnerUp = ranked.get(1);
    return new Verdict(winner, runnerUp, explain(winner, runnerUp));
  }

  /** The first criterion of this order that separates the two, with the figures that did it. */
  Resolution.Explanation explain(Assertion winner, Assertion runnerUp) {
    String winnerAuthority = Decimals.plain(authorities.of(winner.agent()));
    String runnerUpAuthority = Decimals.plain(authorities.of(runnerUp.agent()));
    if (authorities.of(winner.agent()).compareTo(authorities.of(runnerUp.agent())) != 0) {
      return new Resolution.Explanation(
          DecidedBy.AUTHORITY,
          winner.agent() + " (authority " + winnerAuthority + ") over "
              + runnerUp.agent() + " (authority " + runnerUpAuthority + ")");
    }
    if (Double.compare(winner.confidence(), runnerUp.confidence()) != 0) {
      return new Resolution.Explanation(
          DecidedBy.CONFIDENCE,
          winner.agent() + " (confidence " + Decimals.plain(winner.confidence()) + ") over "
              + runnerUp.agent() + " (confidence " + Decimals.plain(runnerUp.confidence())
              + "), both authority " + winnerAuthority);
    }
    return RecencyOrder.explain(
        winner,
        runnerUp,
        List.of(
            "authority " + winnerAuthority, "confidence " + Decimals.plain(winner.confidence())));
  }
}
