package io.stemedb.lenses;

import io.stemedb.model.Assertion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The {@code recency} lens's order, best first: later {@code observedAt}, then greater id (lowercase
 * hex, so string order is numeric order). Ids are content hashes, distinct for distinct claims, so the
 * order is total and no arrival order can leak into a result. Supersession and the consensus supporters
 * lists use the same order.
 */
final class RecencyOrder implements Comparator<Assertion> {
  static final RecencyOrder BEST_FIRST = new RecencyOrder();

  private RecencyOrder() {}

  @Override
  public int compare(Assertion a, Assertion b) {
    int byTime = Long.compare(b.observedAt(), a.observedAt());
    return byTime != 0 ? byTime : b.id().compareTo(a.id());
  }

  /** @param ranked the effective claims in this order */
  static Verdict verdict(List<Assertion> ranked) {
    if (ranked.size() == 1) {
      return Verdict.only(ranked.get(0));
    }
    Assertion winner = ranked.get(0);
    Assertion runnerUp = ranked.get(1);
    return new Verdict(winner, runnerUp, explain(winner, runnerUp, List.of()));
  }

  /** The first criterion of this order that separates the two. */
  static DecidedBy decide(Assertion winner, Assertion runnerUp) {
    return winner.observedAt() != runnerUp.observedAt() ? DecidedBy.RECENCY : DecidedBy.ID;
  }

  /**
   * @param shared what the two have in common besides, for lenses that reach recency after other
   *     criteria (e.g. "authority 5", "confidence 0.9"); empty for the recency lens itself
   */
  static Resolution.Explanation explain(Assertion winner, Assertion runnerUp, List<String> shared) {
    DecidedBy decidedBy = decide(winner, runnerUp);
    String detail =
        switch (decidedBy) {
          case RECENCY -> winner.agent() + " (observed " + Phrases.observed(winner.observedAt())
              + ") over " + runnerUp.agent() + " (observed " + Phrases.observed(runnerUp.observedAt())
              + ")" + Phrases.both(shared);
          default -> /* ID */ winner.agent() + " (id " + Phrases.id(winner.id()) + ") over "
              + runnerUp.agent() + " (id " + Phrases.id(runnerUp.id()) + ")"
              + Phrases.both(with(shared, "observed " + Phrases.observed(winner.observedAt())));
        };
    return new Resolution.Explanation(decidedBy, detail);
  }

  private static List<String> with(List<String> shared, String more) {
    List<String> all = new ArrayList<>(shared);
    all.add(more);
    return all;
  }
}
