package io.stemedb.raft;

import io.stemedb.storage.MerkleSummary;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Merkle summaries (root and bucket hashes) this replica had at the last few checkpoint entries.
 * Every replica applies the same entries in the same order, so at a checkpoint's index their roots
 * must be equal, and where they are not the buckets say where the data differ. Kept in memory only,
 * because a check compares recent checkpoints and a restarted node simply joins the next.
 */
final class MerkleCheckpoints {
  private static final int KEEP = 8;
  private final Map<Long, MerkleSummary> summaries = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, MerkleSummary> eldest) {
      return size() > KEEP;
    }
  };

  synchronized void record(long index, MerkleSummary summary) {
    summaries.put(index, summary);
  }

  synchronized MerkleSummary at(long index) {
    return summaries.get(index);
  }

  String root(long index) {
    MerkleSummary s = at(index);
    return s == null ? null : s.root();
  }
}
