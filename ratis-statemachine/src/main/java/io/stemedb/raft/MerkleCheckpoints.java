package io.stemedb.raft;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Merkle roots this replica had at the last few checkpoint entries. Every replica applies the
 * same entries in the same order, so at a checkpoint's index their roots must be equal; kept in
 * memory only, because a check compares recent checkpoints and a restarted node simply joins the next.
 */
final class MerkleCheckpoints {
  private static final int KEEP = 16;
  private final Map<Long, String> roots = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
      return size() > KEEP;
    }
  };

  synchronized void record(long index, String root) {
    roots.put(index, root);
  }

  synchronized String root(long index) {
    return roots.get(index);
  }
}
