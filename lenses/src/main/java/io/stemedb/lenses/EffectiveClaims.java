package io.stemedb.lenses;

import io.stemedb.model.Assertion;
import java.util.List;

/**
 * What the lenses rank: one claim per agent (see {@link Supersession}), kept latest first so that the
 * recency lens and the consensus supporters lists read it in order without sorting again.
 *
 * @param latestFirst the effective claims in {@link RecencyOrder}
 */
record EffectiveClaims(List<Assertion> latestFirst) {
  /** The response's {@code candidates}: the number of effective claims, not of raw candidates. */
  int count() {
    return latestFirst.size();
  }

  /**
   * Brief: "{@code contested} = more than one distinct value among effective claims, for every lens".
   * Values are canonical JSON, so string equality is value equality.
   */
  boolean contested() {
    String first = latestFirst.get(0).value();
    for (int i = 1; i < latestFirst.size(); i++) {
      if (!latestFirst.get(i).value().equals(first)) {
        return true;
      }
    }
    return false;
  }
}
