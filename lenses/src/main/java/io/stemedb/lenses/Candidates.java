package io.stemedb.lenses;

import io.stemedb.model.Assertion;
import io.stemedb.model.Retraction;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * Brief, rule 1 ("Candidates"): the claims of the chosen epoch, after the read's filters ({@code
 * asOfIndex}, {@code asOf}, {@code agents}, {@code minConfidence}), minus those retracted at or before
 * the read's index — keyed by id, so a claim handed over twice counts once.
 */
final class Candidates {
  /**
   * When one id arrives as two different records (a damaged or hand-made import; storage never
   * produces it), the copy applied first is the claim — it is the one that existed at the lower index.
   * The remaining fields only make the choice total, so that it never depends on arrival order.
   */
  private static final Comparator<Assertion> ORIGINAL_FIRST =
      Comparator.comparingLong(Assertion::index)
          .thenComparingLong(Assertion::epoch)
          .thenComparingLong(Assertion::observedAt)
          .thenComparingDouble(Assertion::confidence)
          .thenComparing(Assertion::source, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(Assertion::agent)
          .thenComparing(Assertion::value)
          .thenComparing(Assertion::subject)
          .thenComparing(Assertion::predicate);

  private final Map<String, Assertion> byId;

  private Candidates(Map<String, Assertion> byId) {
    this.byId = byId;
  }

  static Candidates select(Records records, ReadFilter filter) {
    Map<String, Assertion> byId = new HashMap<>(capacityFor(records.assertions().size()));
    // De-duplicate before filtering: the filters then judge the one canonical copy of each claim.
    for (Assertion claim : records.assertions()) {
      byId.merge(claim.id(), claim, Candidates::original);
    }
    byId.values().removeIf(claim -> !admits(filter, claim));
    // A retraction applied after the read's index did not exist yet at that index.
    for (Retraction retraction : records.retractions()) {
      if (retraction.index() <= filter.asOfIndex()) {
        byId.remove(retraction.assertionId());
      }
    }
    return new Candidates(byId);
  }

  /** The read's filters on a single claim. */
  static boolean admits(ReadFilter filter, Assertion claim) {
    return claim.epoch() == filter.epoch()
        && claim.index() <= filter.asOfIndex()
        && (filter.asOf() == null || claim.observedAt() <= filter.asOf())
        && (filter.agents() == null || filter.agents().contains(claim.agent()))
        && (filter.minConfidence() == null || claim.confidence() >= filter.minConfidence());
  }

  boolean isEmpty() {
    return byId.isEmpty();
  }

  /** The candidate with this id, or {@code null} when it is not one (votes on it do not count). */
  Assertion get(String id) {
    return byId.get(id);
  }

  /** In no particular order: callers rank them with a total order. */
  Collection<Assertion> all() {
    return byId.values();
  }

  private static Assertion original(Assertion a, Assertion b) {
    if (a.equals(b)) {
      return a;
    }
    return ORIGINAL_FIRST.compare(a, b) <= 0 ? a : b;
  }

  private static int capacityFor(int size) {
    return Math.max(4, (int) (size / 0.75f) + 1);
  }
}
