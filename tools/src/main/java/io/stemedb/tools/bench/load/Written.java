package io.stemedb.tools.bench.load;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The numbers of writes acknowledged so far, so that reads ask for keys known to exist (a failed or
 * unanswered write may or may not have committed). Appends come from every writer thread; a plain
 * lock is cheap next to an HTTP round trip.
 */
public final class Written {
  private long[] numbers = new long[1024];
  private int size;

  public synchronized void add(long n) {
    if (size == numbers.length) {
      numbers = Arrays.copyOf(numbers, size * 2);
    }
    numbers[size++] = n;
  }

  public synchronized int size() {
    return size;
  }

  /** A uniformly chosen acknowledged write number. */
  public synchronized long random() {
    if (size == 0) {
      throw new IllegalStateException("no acknowledged writes to read back");
    }
    return numbers[ThreadLocalRandom.current().nextInt(size)];
  }
}
