package io.stemedb.storage;

import java.util.List;

/**
 * What applying one log entry did.
 *
 * @param alreadyApplied the entry was at or below the applied index (a replay) and was skipped
 * @param requests one list of outcomes per request of the entry, one outcome per change
 */
public record ApplyResult(boolean alreadyApplied, List<List<Outcome>> requests) {
  public static final ApplyResult ALREADY_APPLIED = new ApplyResult(true, List.of());

  public ApplyResult {
    requests = List.copyOf(requests);
  }

  /** The outcomes of an entry that held a single request. */
  public List<Outcome> only() {
    if (requests.size() != 1) {
      throw new IllegalStateException("entry held " + requests.size() + " requests");
    }
    return requests.get(0);
  }
}
