package io.stemedb.storage;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a reader reads: the memtable and the runs, as of one moment. Commits and compactions publish a
 * new view; a reader retains the one it started with until it is done, so it never loses a run or a
 * memtable in between (and the union of the two is the whole store at every moment).
 */
final class View {
  final Memtable memtable;
  /** Newest first. */
  final List<Run> runs;
  private final AtomicInteger refs = new AtomicInteger(1); // the store's own reference

  View(Memtable memtable, List<Run> runs) {
    this.memtable = memtable;
    this.runs = List.copyOf(runs);
    for (Run r : this.runs) {
      r.retain();
    }
  }

  /** Adds a reader, unless the view was already let go by everyone (then the caller takes the next). */
  boolean tryRetain() {
    while (true) {
      int n = refs.get();
      if (n == 0) {
        return false;
      }
      if (refs.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void release() {
    if (refs.decrementAndGet() == 0) {
      for (Run r : runs) {
        r.release();
      }
    }
  }
}
