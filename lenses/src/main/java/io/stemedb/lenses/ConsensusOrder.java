package io.stemedb.lenses;

import io.stemedb.model.Assertion;
import java.util.Comparator;
import java.util.List;

/**
 * The {@code consensus} (and {@code all}) order of values, best first: higher support, then later
 * latest-{@code observedAt} among the value's effective claims, then greater greatest-id among them.
 * Distinct values have disjoint claims, hence distinct greatest ids: the order is total.
 */
final class ConsensusOrder implements Comparator<ValueTally> {
  static final ConsensusOrder BEST_FIRST = new ConsensusOrder();

  private ConsensusOrder() {}

  @Override
  public int compare(ValueTally a, ValueTally b) {
    int bySupport = b.support().compareTo(a.support());
    if (bySupport != 0) {
      return bySupport;
    }
    int byTime = Long.compare(b.latestObservedAt(), a.latestObservedAt());
    return byTime != 0 ? byTime : b.greatestId().compareTo(a.greatestId());
  }

  /**
   * Winner: the best value's latest claim. Runner-up: the second value's latest claim or, with a
   * single value, that value's next claim in recency order — then the claims' own order decides.
   *
   * @param ranked the values in this order
   */
  static Verdict verdict(List<ValueTally> ranked) {
    ValueTally best = ranked.get(0);
    Assertion winner = best.latest();
    if (ranked.size() > 1) {
      ValueTally second = ranked.get(1);
      return new Verdict(winner, second.latest(), explain(best, second));
    }
    if (best.supporters().size() == 1) {
      return Verdict.only(winner);
    }
    Assertion runnerUp = best.supporters().get(1);
    return new Verdict(
        winner,
        runnerUp,
        RecencyOrder.explain(
            winner,
            runnerUp,
            List.of(
                "for value " + Phrases.value(best.value())
                    + " (support " + Decimals.plain(best.support()) + ")")));
  }

  /** The first criterion of this order that separates two values, with the figures that did it. */
  static Resolution.Explanation explain(ValueTally best, ValueTally second) {
    String head = "value " + Phrases.value(best.value());
    String over = " over " + Phrases.value(second.value());
    String claims = "; latest claims by " + best.latest().agent() + " and " + second.latest().agent();
    String support = Decimals.plain(best.support());
    if (best.support().compareTo(second.support()) != 0) {
      return new Resolution.Explanation(
          DecidedBy.SUPPORT,
          head + " (support " + support + ")"
              + over + " (support " + Decimals.plain(second.support()) + ")" + claims);
    }
    if (best.latestObservedAt() != second.latestObservedAt()) {
      return new Resolution.Explanation(
          DecidedBy.RECENCY,
          head + " (latest observed " + Phrases.observed(best.latestObservedAt()) + ")"
              + over + " (latest observed " + Phrases.observed(second.latestObservedAt()) + ")"
              + ", both support " + support + claims);
    }
    return new Resolution.Explanation(
        DecidedBy.ID,
        head + " (greatest id " + Phrases.id(best.greatestId()) + ")"
            + over + " (greatest id " + Phrases.id(second.greatestId()) + ")"
            + ", both support " + support + " and latest observed "
            + Phrases.observed(best.latestObservedAt()) + claims);
  }
}
