package io.stemedb.tools.bench.load;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Batch writes, as a bulk load does: {@code total} new keyed claims in requests of {@code size}, with
 * {@code connections} requests in flight, timed from the first send to the last answer. The claims
 * stay in the {@link Dataset} for the resolve scenario to read.
 */
public final class BatchScenario {
  private final Http http;
  private final Target.RoundRobin writes;
  private final Claims claims;
  private final Dataset dataset;

  public BatchScenario(Http http, Target.RoundRobin writes, Claims claims, Dataset dataset) {
    this.http = http;
    this.writes = writes;
    this.claims = claims;
    this.dataset = dataset;
  }

  /** One level: {@code total} claims in requests of {@code size}, {@code connections} in flight. */
  public LevelResult level(int connections, int size, long total) throws InterruptedException {
    Tally tally = new Tally();
    long start = System.nanoTime();
    send(connections, size, total, tally, false);
    return tally.finish("batch", connections + " × " + size, "assertions/s", start, System.nanoTime());
  }

  /** Re-sends every range whose request failed so far, until none is left or 10 rounds have passed; returns what is left. */
  public long fillHoles(int connections, int size) throws InterruptedException {
    for (int round = 0; round < 10 && dataset.handedOut() > dataset.stored(); round++) {
      send(connections, size, 0, new Tally(), true);
    }
    return dataset.handedOut() - dataset.stored();
  }

  /**
   * Sends {@code total} claims (rounded up to whole requests); with {@code fillHolesFirst}, first
   * re-sends every range whose request failed earlier.
   */
  void send(int connections, int size, long total, Tally tally, boolean fillHolesFirst) throws InterruptedException {
    long requests = (total + size - 1) / size;
    AtomicLong issued = new AtomicLong();
    Workers.run("batch", connections, worker -> {
      Dataset.Range hole;
      while (fillHolesFirst && (hole = dataset.takeHole()) != null) {
        sendRange(hole, tally);
      }
      while (issued.getAndIncrement() < requests) {
        sendRange(dataset.reserve(size), tally);
      }
    });
  }

  private void sendRange(Dataset.Range range, Tally tally) {
    byte[] body = claims.batch(range.start(), range.size());
    long t0 = System.nanoTime();
    Http.Reply r = http.post(writes.next("/v1/assertions"), body);
    tally.record(r, System.nanoTime() - t0, range.size());
    if (r.ok()) {
      dataset.stored(range);
    } else {
      dataset.failed(range);
    }
  }
}
