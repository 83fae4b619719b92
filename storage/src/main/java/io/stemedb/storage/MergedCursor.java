package io.stemedb.storage;

import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The union of sorted cursors (the memtable and the runs), in key order. Runs merge by plain union
 * because no key is ever written twice or deleted; should the same key still appear in two sources
 * (it cannot, but a merge must not multiply it) it comes out once.
 */
final class MergedCursor implements Cursor {
  private final PriorityQueue<Cursor> heap;
  private final Runnable onClose;
  private byte[] key;
  private byte[] value;
  private boolean closed;

  MergedCursor(List<Cursor> sources, Runnable onClose) {
    this.onClose = onClose;
    this.heap = new PriorityQueue<>(Math.max(1, sources.size()), (a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
    // A failure here propagates; the caller (who owns what onClose releases) cleans up.
    for (Cursor c : sources) {
      if (c.next()) {
        heap.add(c);
      }
    }
  }

  @Override
  public boolean next() {
    while (!heap.isEmpty()) {
      Cursor c = heap.poll();
      byte[] k = c.key();
      byte[] v = c.value();
      if (c.next()) {
        heap.add(c);
      }
      if (key != null && Arrays.equals(k, key)) {
        continue;
      }
      key = k;
      value = v;
      return true;
    }
    key = null;
    value = null;
    return false;
  }

  @Override
  public byte[] key() {
    return key;
  }

  @Override
  public byte[] value() {
    return value;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      onClose.run();
    }
  }
}
