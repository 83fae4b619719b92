package io.stemedb.tools.bench.load;

import java.util.concurrent.TimeUnit;

/**
 * Linearizable reads of existing keys, closed loop: N connections each read a random key among the
 * acknowledged writes ({@link Written}), wait for the answer and read the next. Every node in turn
 * serves reads. A key that comes back missing counts as an error (404): it was acknowledged, so a
 * linearizable read must see it.
 */
public final class ReadScenario {
  private final Http http;
  private final Target.RoundRobin reads;
  private final Dialect dialect;
  private final Written written;

  public ReadScenario(Http http, Target.RoundRobin reads, Dialect dialect, Written written) {
    this.http = http;
    this.reads = reads;
    this.dialect = dialect;
    this.written = written;
  }

  public LevelResult level(int connections, int warmupSeconds, int seconds) throws InterruptedException {
    Tally tally = new Tally();
    long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
    long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
    Workers.run("read", connections, worker -> {
      while (System.nanoTime() < end) {
        Dialect.Call call = dialect.read(written.random());
        long t0 = System.nanoTime();
        Http.Reply r = dialect.readOutcome(dialect.send(http, reads.next(), call));
        if (t0 >= measureFrom) {
          tally.record(r, System.nanoTime() - t0, 0);
        }
      }
    });
    return tally.finish("read", connections + (connections == 1 ? " connection" : " connections"), "req/s", measureFrom, end);
  }
}
