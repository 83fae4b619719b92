package io.stemedb.lenses;

import io.stemedb.model.Assertion;
import java.math.BigDecimal;
import java.util.List;

/**
 * One distinct value among the effective claims, with what the consensus order compares.
 *
 * @param value canonical JSON
 * @param support exact, see {@link Support}
 * @param supporters the value's effective claims, latest first (never empty)
 * @param greatestId the greatest id among the supporters (the consensus order's last tie-break; not
 *     necessarily the latest supporter's id)
 */
record ValueTally(String value, BigDecimal support, List<Assertion> supporters, String greatestId) {
  /** The value's latest effective claim: the winner when this value wins. */
  Assertion latest() {
    return supporters.get(0);
  }

  long latestObservedAt() {
    return latest().observedAt();
  }

  Resolution.ValueSupport toValueSupport() {
    return new Resolution.ValueSupport(value, support, supporters);
  }
}
