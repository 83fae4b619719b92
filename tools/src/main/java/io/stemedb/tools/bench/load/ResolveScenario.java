package io.stemedb.tools.bench.load;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads at a fixed rate, open loop: GET /v1/resolve on a random stored key, request i due at
 * start + i / rate whatever happened to earlier ones. Latency runs from the time a request was due, not
 * from when a worker got round to sending it, so a stall counts against every request it delayed
 * (no coordinated omission). The worker pool only bounds requests in flight; when all are busy, due
 * requests wait and that wait is part of their latency.
 */
public final class ResolveScenario {
  private final Http http;
  private final Target.RoundRobin reads;
  private final Claims claims;
  private final Dataset dataset;
  private final BatchScenario loader;
  private final PrintWriter out;

  public ResolveScenario(Http http, Target target, Claims claims, Dataset dataset, BatchScenario loader, PrintWriter out) {
    this.http = http;
    this.reads = target.reads();
    this.claims = claims;
    this.dataset = dataset;
    this.loader = loader;
    this.out = out;
  }

  /**
   * Loads up to {@code stored} claims if needed (requests of {@code batchSize}, {@code loadConnections} in
   * flight), then reads at {@code rate}/s with at most {@code workers} requests in flight.
   *
   * @param extraQuery query parameters after subject and predicate, e.g. "&lens=recency&consistency=stale"
   */
  public LevelResult run(long stored, int loadConnections, int batchSize, int rate, int workers, int warmupSeconds,
      int seconds, String extraQuery) throws InterruptedException {
    ensureStored(stored, loadConnections, batchSize);
    long keys = Math.max(1, dataset.handedOut() / claims.claimsPerKey());
    out.printf("resolve: %,d/s over %,d keys (%,d assertions stored, %d per key)%n", rate, keys, dataset.stored(),
        claims.claimsPerKey());
    long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    long measureFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
    long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
    Tally tally = new Tally();
    AtomicLong next = new AtomicLong();
    Workers.run("resolve", workers, worker -> {
      while (true) {
        long due = start + next.getAndIncrement() * periodNanos;
        if (due >= end) {
          return;
        }
        String path = "/v1/resolve?subject="
            + URLEncoder.encode(claims.subject(ThreadLocalRandom.current().nextLong(keys)), StandardCharsets.UTF_8)
            + "&predicate=email" + extraQuery;
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
          LockSupport.parkNanos(wait);
        }
        Http.Reply r = http.get(reads.next(path));
        if (due >= measureFrom) {
          tally.record(r, System.nanoTime() - due, 0);
        }
      }
    });
    // The level names the rate only: later runs read over more keys (each batch run adds some), and
    // the runs of one level are grouped by name for the medians.
    return tally.finish("resolve", String.format("%,d/s", rate), "req/s", measureFrom, end);
  }

  /** Loads keyed claims (re-sending failed ranges) until at least {@code stored} are known stored. */
  private void ensureStored(long stored, int connections, int batchSize) throws InterruptedException {
    if (dataset.stored() >= stored && dataset.handedOut() == dataset.stored()) {
      out.printf("resolve: %,d assertions already stored (by the batch scenario)%n", dataset.stored());
      return;
    }
    long t0 = System.nanoTime();
    long before = dataset.stored();
    for (int attempt = 1; dataset.stored() < stored || dataset.handedOut() > dataset.stored(); attempt++) {
      if (attempt > 10) {
        throw new IllegalStateException("could not load the resolve data set: " + (dataset.handedOut() - dataset.stored())
            + " assertions still failing after 10 attempts");
      }
      Tally tally = new Tally();
      loader.send(connections, batchSize, Math.max(0, stored - dataset.handedOut()), tally, true);
      if (tally.errorCount() > 0) {
        LevelResult r = tally.finish("load", "", "assertions/s", t0, System.nanoTime());
        out.printf("resolve: loading: %s; re-sending those ranges%n", r.errorText());
        Thread.sleep(1000);
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    out.printf("resolve: loaded %,d assertions in %.1f s (%,.0f/s); %,d stored%n", dataset.stored() - before, secs,
        (dataset.stored() - before) / secs, dataset.stored());
  }
}
