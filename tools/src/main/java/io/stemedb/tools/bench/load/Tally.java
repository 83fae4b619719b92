package io.stemedb.tools.bench.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What one level of one scenario saw, from many worker threads at once: latencies of successful
 * requests (HdrHistogram, microseconds), successes, assertions written, and failures by status code.
 */
public final class Tally {
  private final Recorder latencies = new Recorder(3);
  private final LongAdder ok = new LongAdder();
  private final LongAdder assertions = new LongAdder();
  private final Map<Integer, LongAdder> errors = new ConcurrentHashMap<>();
  private final LongAccumulator lastDone = new LongAccumulator(Math::max, Long.MIN_VALUE);
  private final CpuClock cpu = new CpuClock();

  /**
   * One answered request. {@code latencyNanos} runs from when the request was sent — or, open-loop,
   * from when it should have been sent, so a stalled server is not hidden by requests not sent meanwhile.
   */
  public void record(Http.Reply reply, long latencyNanos, int claims) {
    cpu.startOnce();
    lastDone.accumulate(System.nanoTime());
    if (reply.ok()) {
      latencies.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(latencyNanos)));
      ok.increment();
      assertions.add(claims);
    } else {
      errors.computeIfAbsent(reply.status(), s -> new LongAdder()).increment();
    }
  }

  /** Errors so far (the resolve loader checks them). */
  public long errorCount() {
    return errors.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /**
   * The result, over the time from {@code startNanos} to the later of {@code endNanos} and the last
   * answer (requests in flight at the end count, and so does the time they took).
   */
  public LevelResult finish(String scenario, String level, String unit, long startNanos, long endNanos) {
    long end = Math.max(endNanos, lastDone.get());
    double seconds = Math.max(1e-9, (end - startNanos) / 1e9);
    Histogram h = latencies.getIntervalHistogram();
    Map<String, Long> byStatus = new TreeMap<>();
    errors.forEach((status, n) -> byStatus.put(status == Http.NO_ANSWER ? "no-answer" : Integer.toString(status), n.sum()));
    long count = unit.equals("assertions/s") ? assertions.sum() : ok.sum();
    return new LevelResult(scenario, level, ok.sum(), assertions.sum(), byStatus, seconds, count / seconds, unit,
        ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()),
        cpu.coresUsedSinceStart());
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }

  /**
   * This process's CPU use from the first recorded answer on (warm-up excluded), to show whether the
   * client itself could be the bottleneck.
   */
  static final class CpuClock {
    private final com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    private volatile long cpu0 = -1;
    private volatile long wall0;

    void startOnce() {
      if (cpu0 < 0) {
        synchronized (this) {
          if (cpu0 < 0) {
            wall0 = System.nanoTime();
            cpu0 = os.getProcessCpuTime();
          }
        }
      }
    }

    /** Cores' worth of CPU this process used on average (1.0 = one core busy all the time). */
    double coresUsedSinceStart() {
      long wall = System.nanoTime() - wall0;
      return cpu0 < 0 || wall <= 0 ? 0 : (os.getProcessCpuTime() - cpu0) / (double) wall;
    }
  }
}
