package io.stemedb.storage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Size-tiered compaction: runs fall in tiers by size (tier t holds runs of {@value #BASE}·{@value
 * #FANOUT}^t to {@value #BASE}·{@value #FANOUT}^(t+1) entries); when a tier holds {@value #FANOUT} runs
 * they are merged into one, which lands in a higher tier. Each entry is thus rewritten about
 * log_{@value #FANOUT}(n / {@value #BASE}) times, and at most {@value #FANOUT}−1 runs wait per tier
 * between merges: O(log n) runs. Runs hold disjoint keys (the store never overwrites), so any set of
 * runs merges into one by union, in any order.
 *
 * <p>One daemon thread per store merges in the background ({@link Lsm#compact} swaps the result in);
 * commits only wake it.
 */
final class Compactor implements Runnable {
  static final int FANOUT = 4;
  static final long BASE = 1024;

  private final Lsm lsm;
  private final Thread thread;
  private boolean wanted;
  private volatile boolean stopping;

  Compactor(Lsm lsm, String name) {
    this.lsm = lsm;
    this.thread = new Thread(this, "stemedb-compactor " + name);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Asks for a look at the runs (after a commit added one). */
  synchronized void wake() {
    wanted = true;
    notifyAll();
  }

  boolean stopping() {
    return stopping;
  }

  /** Stops the thread, abandoning a merge in progress, and waits for it. */
  void stop() {
    stopping = true;
    wake();
    thread.interrupt();
    try {
      thread.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void run() {
    while (!stopping) {
      synchronized (this) {
        while (!wanted && !stopping) {
          try {
            wait();
          } catch (InterruptedException e) {
            if (stopping) {
              return;
            }
          }
        }
        wanted = false;
      }
      try {
        while (!stopping && lsm.compactOnce()) {
          // merge tiers until none is full
        }
      } catch (RuntimeException | Error e) {
        if (!stopping) {
          Lsm.LOG.error("compaction of {} failed; runs stay as they are", lsm.file(), e);
        }
      }
    }
  }

  /** The runs to merge next: a full tier (the lowest one), or nothing. */
  static <R> List<R> pick(List<R> runs, Function<R, Long> entries) {
    Map<Integer, List<R>> tiers = new TreeMap<>();
    for (R r : runs) {
      tiers.computeIfAbsent(tier(entries.apply(r)), t -> new ArrayList<>()).add(r);
    }
    for (List<R> tier : tiers.values()) {
      if (tier.size() >= FANOUT) {
        List<R> smallest = new ArrayList<>(tier);
        smallest.sort(Comparator.comparing(entries));
        return smallest.subList(0, Math.min(smallest.size(), 2 * FANOUT));
      }
    }
    return List.of();
  }

  static int tier(long entries) {
    int t = 0;
    for (long bound = BASE * FANOUT; entries >= bound && t < 40; bound *= FANOUT) {
      t++;
    }
    return t;
  }
}
