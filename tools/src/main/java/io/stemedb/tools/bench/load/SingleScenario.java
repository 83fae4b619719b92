package io.stemedb.tools.bench.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Single-claim writes, closed loop: at each level, N connections each POST one new claim, wait for the
 * answer and POST the next, for a warm-up and then the measured seconds. Latency is send → answer.
 */
public final class SingleScenario {
  private final Http http;
  private final Target.RoundRobin writes;
  private final Claims claims;
  private final AtomicLong sequence = new AtomicLong();

  public SingleScenario(Http http, Target.RoundRobin writes, Claims claims) {
    this.http = http;
    this.writes = writes;
    this.claims = claims;
  }

  /** One level: {@code connections} closed loops for {@code warmupSeconds} unmeasured, then {@code seconds}. */
  public LevelResult level(int connections, int warmupSeconds, int seconds) throws InterruptedException {
    Tally tally = new Tally();
    long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
    long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
    Workers.run("single", connections, worker -> {
      while (System.nanoTime() < end) {
        byte[] body = claims.single(sequence.getAndIncrement());
        long t0 = System.nanoTime();
        Http.Reply r = http.post(writes.next("/v1/assertions"), body);
        if (t0 >= measureFrom) {
          tally.record(r, System.nanoTime() - t0, 1);
        }
      }
    });
    return tally.finish("single", connections + (connections == 1 ? " connection" : " connections"), "req/s", measureFrom, end);
  }
}
