package io.stemedb.tools.bench.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Single writes, closed loop: at each level, N connections each send one new ~200-byte record, wait
 * for the answer and send the next, for a warm-up and then the measured seconds. Latency is send →
 * answer. The {@link Dialect} says how a write is spelled (StemeDB claim, etcd put); every
 * acknowledged write number goes to {@link Written} for reads to use.
 */
public final class SingleScenario {
  private final Http http;
  private final Target.RoundRobin writes;
  private final Dialect dialect;
  private final AtomicLong sequence;
  private final Written written;

  public SingleScenario(Http http, Target.RoundRobin writes, Claims claims) {
    this(http, writes, Dialect.stemedb(claims), new AtomicLong(), new Written());
  }

  /** {@code sequence} hands out write numbers; share it between scenarios that must not repeat a key. */
  public SingleScenario(Http http, Target.RoundRobin writes, Dialect dialect, AtomicLong sequence, Written written) {
    this.http = http;
    this.writes = writes;
    this.dialect = dialect;
    this.sequence = sequence;
    this.written = written;
  }

  /** One level: {@code connections} closed loops for {@code warmupSeconds} unmeasured, then {@code seconds}. */
  public LevelResult level(int connections, int warmupSeconds, int seconds) throws InterruptedException {
    Tally tally = new Tally();
    long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
    long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
    Workers.run("single", connections, worker -> {
      while (System.nanoTime() < end) {
        long n = sequence.getAndIncrement();
        Dialect.Call call = dialect.write(n);
        long t0 = System.nanoTime();
        Http.Reply r = dialect.send(http, writes.next(), call);
        if (r.ok()) {
          written.add(n);
        }
        if (t0 >= measureFrom) {
          tally.record(r, System.nanoTime() - t0, 1);
        }
      }
    });
    return tally.finish("single", connections + (connections == 1 ? " connection" : " connections"), "req/s", measureFrom, end);
  }
}
