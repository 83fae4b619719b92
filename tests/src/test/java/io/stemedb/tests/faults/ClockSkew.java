package io.stemedb.tests.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A node whose wall clock is off by some seconds, with libfaketime (Debian package {@code faketime}).
 * Only CLOCK_REALTIME is shifted: {@code FAKETIME_DONT_FAKE_MONOTONIC} leaves the monotonic clock,
 * which Raft timers and Ratis's leader lease run on, alone — the skew an NTP step or a wrong RTC gives
 * a real machine. The words go before {@code java} in the node's command (after any namespace words);
 * {@code env} execs java, so the node's pid stays java's ({@code faketime} itself would fork).
 *
 * <p>{@code FAKETIME_FORCE_MONOTONIC_FIX=0} matters: with the fix that libfaketime 0.9.10 turns on
 * for this glibc, timed waits on monotonic condition variables return at once under a shifted
 * clock (measured here: {@code Object.wait(100)} and {@code LockSupport.parkNanos(100 ms)} took
 * 0 ms under +7 s), so every JVM timer fires immediately and the node, not its clock, misbehaves —
 * it stood for election again and again and never rejoined. With the fix off, waits take their time
 * and only the wall clock is shifted.
 */
public final class ClockSkew {
  static final Path LIBRARY = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");

  private ClockSkew() {}

  public static boolean available() {
    return Files.exists(LIBRARY);
  }

  /** Command words for a wall clock {@code seconds} ahead (negative: behind). */
  public static List<String> prefix(int seconds) {
    return List.of("env", "LD_PRELOAD=" + LIBRARY, "FAKETIME=" + (seconds >= 0 ? "+" : "") + seconds + "s",
        "FAKETIME_DONT_FAKE_MONOTONIC=1", "FAKETIME_FORCE_MONOTONIC_FIX=0");
  }
}
