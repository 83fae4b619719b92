package io.stemedb.tools.bench.load;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which keyed claims (see {@link Claims}) have been handed out and which are known to be stored. The
 * batch scenario and the resolve scenario's loader share one, so resolve reuses what batch wrote. A
 * range whose request failed is remembered as a hole and re-sent before resolve reads (writes are
 * idempotent, so re-sending one that did commit after all changes nothing).
 */
public final class Dataset {
  /** Claims [start, start + size). */
  public record Range(long start, int size) {}

  private final AtomicLong next = new AtomicLong();
  private final AtomicLong stored = new AtomicLong();
  private final Queue<Range> holes = new ConcurrentLinkedQueue<>();

  /** The next {@code size} claims nobody has sent yet. */
  public Range reserve(int size) {
    return new Range(next.getAndAdd(size), size);
  }

  public void stored(Range r) {
    stored.addAndGet(r.size());
  }

  public void failed(Range r) {
    holes.add(r);
  }

  /** A range to re-send, or null. */
  public Range takeHole() {
    return holes.poll();
  }

  /** Claims known stored. */
  public long stored() {
    return stored.get();
  }

  /** Claims handed out so far: keys [0, handedOut / claimsPerKey) exist once every hole is filled. */
  public long handedOut() {
    return next.get();
  }
}
