package io.stemedb.tools.bench.load;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * kill -9 of the leader under write load. N connections write continuously (every node in turn);
 * after {@code beforeSeconds} the leader's process gets SIGKILL and the client stops sending to it (as
 * a client that saw its connection die would); writes go on for {@code afterSeconds}. Measured: the
 * time from the kill to the first acknowledged write sent after it, and for every request in flight
 * at the kill, how it ended and how long after the kill.
 */
public final class FailoverScenario {
  private final Http http;
  private final Contender contender;
  private final Dialect dialect;
  private final AtomicLong sequence;
  private final Duration timeout;

  /** How one request in flight at the kill ended: its status (0: no HTTP answer) and when, after the kill. */
  record InFlight(int status, boolean retryAfter, long nanosAfterKill, boolean toKilledNode) {}

  /**
   * @param firstWriteMs kill → first acknowledged write sent after the kill, NaN when none came
   * @param inFlight requests in flight at the kill
   * @param ok … of them answered 2xx
   * @param unavailable … answered 503 with Retry-After
   * @param otherStatus … answered anything else (incl. 503 without Retry-After), by status
   * @param reset … with no HTTP answer before the client's timeout (connection reset: the killed node)
   * @param timedOut … unanswered within the client's timeout
   * @param slowestAnswerMs kill → the last HTTP answer among them (NaN when none was answered)
   * @param okAfter writes sent after the kill and acknowledged, within {@code afterSeconds}
   * @param errorsAfter writes sent after the kill that failed, by status ("no-answer")
   */
  public record Result(URI killed, double firstWriteMs, int inFlight, int ok, int unavailable, Map<String, Integer> otherStatus, int reset,
      int timedOut, double slowestAnswerMs, long okAfter, Map<String, Long> errorsAfter) {
    public String inFlightText() {
      int other = otherStatus.values().stream().mapToInt(Integer::intValue).sum();
      String others = otherStatus.entrySet().stream().map(e -> e.getKey() + "×" + e.getValue())
          .collect(java.util.stream.Collectors.joining(" "));
      return String.format("%d in flight: %d ok, %d 503+Retry-After, %d other%s, %d reset, %d timed out", inFlight, ok,
          unavailable, other, other == 0 ? "" : " (" + others + ")", reset, timedOut);
    }
  }

  /** {@code requestTimeout}: the client's wait for an answer; an in-flight request unanswered by then timed out. */
  public FailoverScenario(Http http, Contender contender, Dialect dialect, AtomicLong sequence, Duration requestTimeout) {
    this.http = http;
    this.contender = contender;
    this.dialect = dialect;
    this.sequence = sequence;
    this.timeout = requestTimeout;
  }

  public Result run(int connections, int beforeSeconds, int afterSeconds) throws InterruptedException {
    Target.RoundRobin writes = new Target.RoundRobin(contender.nodes());
    long start = System.nanoTime();
    long killDue = start + TimeUnit.SECONDS.toNanos(beforeSeconds);
    long end = killDue + TimeUnit.SECONDS.toNanos(afterSeconds);
    // 0 until the kill; set just before the signal goes out, so nothing sent after it counts as in flight.
    AtomicLong killAt = new AtomicLong();
    AtomicLong deadAt = new AtomicLong();
    URI[] killed = new URI[1];
    LongAccumulator firstAck = new LongAccumulator(Math::min, Long.MAX_VALUE);
    AtomicLong okAfter = new AtomicLong();
    Map<String, Long> errorsAfter = new TreeMap<>();
    List<InFlight> inFlight = new ArrayList<>();
    Workers.run("failover", connections + 1, worker -> {
      if (worker == connections) {   // the one that kills
        sleepUntil(killDue);
        URI leader = contender.leader(http);
        ProcessHandle process = contender.process(leader);
        killed[0] = leader;
        // Out of the rotation first, so that (nearly) nothing is sent to it after the kill.
        writes.drop(leader);
        killAt.set(System.nanoTime());
        Contender.kill(process);
        // What was sent between the signal and the exit may still have been answered by the dying
        // leader: only writes sent after its exit count as "after the kill".
        deadAt.set(System.nanoTime());
        return;
      }
      while (System.nanoTime() < end) {
        URI node = writes.next();
        Dialect.Call call = dialect.write(sequence.getAndIncrement());
        long t0 = System.nanoTime();
        Http.Reply r = dialect.send(http, node, call);
        long t1 = System.nanoTime();
        long k = killAt.get();
        if (k == 0 || t1 < k) {
          continue;   // answered before the kill
        }
        if (t0 < k) {
          synchronized (inFlight) {
            inFlight.add(new InFlight(r.status(), r.retryAfter() != null, t1 - k, node.equals(killed[0])));
          }
        } else if (deadAt.get() == 0 || t0 < deadAt.get()) {
          continue;   // sent while the signal was on its way
        } else if (r.ok()) {
          okAfter.incrementAndGet();
          firstAck.accumulate(t1 - k);
        } else {
          synchronized (errorsAfter) {
            errorsAfter.merge(r.status() == Http.NO_ANSWER ? "no-answer" : Integer.toString(r.status()), 1L, Long::sum);
          }
        }
      }
    });
    if (killed[0] == null) {
      throw new IllegalStateException("failover: the leader was never killed");
    }
    int ok = 0;
    int unavailable = 0;
    Map<String, Integer> other = new TreeMap<>();
    int reset = 0;
    int timedOut = 0;
    long slowest = -1;
    for (InFlight f : inFlight) {
      if (f.status() == Http.NO_ANSWER) {
        // The kill happened after the request was sent, so its whole wait is at most the timeout.
        if (f.nanosAfterKill() >= timeout.toNanos() - TimeUnit.MILLISECONDS.toNanos(100)) {
          timedOut++;
        } else {
          reset++;
        }
        continue;
      }
      slowest = Math.max(slowest, f.nanosAfterKill());
      if (f.status() >= 200 && f.status() < 300) {
        ok++;
      } else if (f.status() == 503 && f.retryAfter()) {
        unavailable++;
      } else {
        other.merge(f.status() + (f.status() == 503 ? " without Retry-After" : ""), 1, Integer::sum);
      }
    }
    long first = firstAck.get();
    return new Result(killed[0], first == Long.MAX_VALUE ? Double.NaN : first / 1e6, inFlight.size(), ok, unavailable, other,
        reset, timedOut, slowest < 0 ? Double.NaN : slowest / 1e6, okAfter.get(), errorsAfter);
  }

  private static void sleepUntil(long due) throws InterruptedException {
    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }
}
