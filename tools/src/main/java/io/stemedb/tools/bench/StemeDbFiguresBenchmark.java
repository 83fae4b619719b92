package io.stemedb.tools.bench;

import io.stemedb.tools.bench.load.BatchScenario;
import io.stemedb.tools.bench.load.Claims;
import io.stemedb.tools.bench.load.Comparison;
import io.stemedb.tools.bench.load.Comparison.Item;
import io.stemedb.tools.bench.load.Dataset;
import io.stemedb.tools.bench.load.Dialect;
import io.stemedb.tools.bench.load.Http;
import io.stemedb.tools.bench.load.LevelResult;
import io.stemedb.tools.bench.load.NodeOps;
import io.stemedb.tools.bench.load.OwnCluster;
import io.stemedb.tools.bench.load.Report;
import io.stemedb.tools.bench.load.SnapshotStallScenario;
import io.stemedb.tools.bench.load.Target;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The StemeDB-only figures of issue 10 on a fresh local 3-process cluster holding N assertions: batched
 * ingest of N, resident memory of each node, the longest write stall while the leader takes a snapshot,
 * the restart time of a follower, and the catch-up rate of a follower N assertions behind. Each run
 * starts its own cluster; the table has medians and spreads.
 */
@Command(name = "stemedb-figures", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Ingest, RSS, snapshot stall, restart and catch-up of a local 3-node StemeDB holding N assertions.")
public final class StemeDbFiguresBenchmark implements Callable<Integer> {
  enum Figure { rss, snapshot, restart, catchup }

  @Option(names = "--assertions", defaultValue = "1000000", description = "assertions stored first (and the catch-up distance) (default: ${DEFAULT-VALUE})")
  long assertions;

  @Option(names = "--batch-size", defaultValue = "1000", description = "assertions per ingest request (default: ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--batch-connections", defaultValue = "4", description = "ingest requests in flight (default: ${DEFAULT-VALUE})")
  int batchConnections;

  @Option(names = "--figures", split = ",", defaultValue = "rss,snapshot,restart,catchup", description = "rss, snapshot, restart, catchup (default: all; ingest always runs)")
  List<Figure> figures;

  @Option(names = "--runs", defaultValue = "3", description = "fresh clusters, this many times (default: ${DEFAULT-VALUE})")
  int runs;

  @Option(names = "--snapshot-connections", defaultValue = "16", description = "snapshot: writing connections (default: ${DEFAULT-VALUE})")
  int snapshotConnections;

  @Option(names = "--snapshot-before", defaultValue = "5", description = "snapshot: seconds of writes before it (default: ${DEFAULT-VALUE})")
  int snapshotBefore;

  @Option(names = "--snapshot-after", defaultValue = "3", description = "snapshot: seconds of writes after it answered (default: ${DEFAULT-VALUE})")
  int snapshotAfter;

  @Option(names = "--wait", defaultValue = "300", description = "seconds to wait for a restarted node to be ready or caught up (default: ${DEFAULT-VALUE})")
  int waitSeconds;

  @Option(names = "--timeout", defaultValue = "30", description = "seconds before a request counts as unanswered (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Option(names = "--keep-logs", description = "keep every run's node logs in bench-logs/ (they are kept anyway for a figure that does not finish)")
  boolean keepLogs;

  @Option(names = "--cluster-arg", description = "an argument appended to `cluster up` (repeatable)")
  List<String> clusterArgs = new ArrayList<>();

  @Spec CommandSpec spec;

  /** What the last call measured (for tests); every figure under the StemeDB column. */
  Comparison figuresTable;

  public static void main(String[] args) {
    System.exit(new CommandLine(new StemeDbFiguresBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (assertions < batchSize || batchSize < 1 || batchConnections < 1 || runs < 1 || snapshotConnections < 1
        || snapshotBefore < 1 || snapshotAfter < 1 || waitSeconds < 1 || timeoutSeconds < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "counts and seconds must be positive, --assertions ≥ --batch-size");
    }
    PrintWriter out = spec.commandLine().getOut();
    HttpLoadBenchmark.header(out, spec);
    figuresTable = new Comparison();
    for (int run = 1; run <= runs; run++) {
      try (OwnCluster c = OwnCluster.start(clusterArgs, out);
          Http http = Http.create(Http.Client.URLCONNECTION, Math.max(batchConnections, snapshotConnections) + 2, null,
              Duration.ofSeconds(timeoutSeconds))) {
        try {
          measure(run, c, http, out);
        } finally {
          c.problems().forEach(out::println);
          if (keepLogs) {
            out.println("the node logs of run " + run + " are kept in " + c.keepLogs("run-" + run));
          }
          out.println("stopping the local cluster");
          out.flush();
        }
      }
    }
    out.println();
    out.printf("summary: median of %d run%s (min–max)%n%n", runs, runs == 1 ? "" : "s");
    out.println(figuresTable.markdown().replace("| work | etcd | StemeDB | StemeDB ÷ etcd | target |\n|---|---|---|---|---|\n",
        "| figure | (etcd) | StemeDB | | target |\n|---|---|---|---|---|\n"));
    out.flush();
    return 0;
  }

  private void measure(int run, OwnCluster c, Http http, PrintWriter out) throws InterruptedException {
    String n = String.format("%,d", assertions);
    Target target = Target.discover(c.urls(), http);
    out.println(target.raiseRateLimits(http, List.of("POST /v1/assertions", "GET /v1/resolve"), Claims.agents()));
    Claims claims = new Claims("bench-" + Long.toString(System.currentTimeMillis(), 36), 10);
    Dataset dataset = new Dataset();
    BatchScenario batch = new BatchScenario(http, target.writes(Target.Writes.ALL), claims, dataset);
    NodeOps ops = new NodeOps(c, http);

    LevelResult ingest = batch.level(batchConnections, batchSize, assertions);
    out.println(Report.line(run, ingest));
    add(new Item("batched ingest of " + n + " (" + batchConnections + " × " + batchSize + ")", "assertions/s", "≥ 50,000/s"),
        ingest.throughput());
    if (ingest.errorCount() > 0) {
      // Failed batches are re-sent below (the later figures need all N stored), but not counted here.
      figuresTable.note("… ingest requests that failed (re-sent afterwards)", Comparison.STEMEDB, "run " + run + ": " + ingest.errorText());
    }
    fillHoles(batch, out);

    if (figures.contains(Figure.rss)) {
      for (URI node : c.nodes()) {
        long rss = ops.rssBytes(node);
        out.printf("run %d  rss %s %,d MiB (%s)%n", run, ops.id(node), rss >> 20, node.equals(target.leader()) ? "leader" : "follower");
        add(new Item("RSS of " + ops.id(node) + " holding " + n, "MiB", ""), rss < 0 ? Double.NaN : rss / 1048576.0);
      }
    }
    if (figures.contains(Figure.snapshot)) {
      SnapshotStallScenario.Result s = new SnapshotStallScenario(http, target.writes(Target.Writes.ALL), Dialect.stemedb(claims),
          new AtomicLong()).run(target.leader(), snapshotConnections, snapshotBefore, snapshotAfter);
      out.printf("run %d  snapshot of the leader %s: %s index %d in %s ms; longest gap between acknowledged writes: %s ms during it, "
              + "%s ms before it; %,d writes acknowledged%n", run, s.node(), s.snapshotStatus(), s.snapshotIndex(),
          Report.ms(s.snapshotMs()), Report.ms(s.stallMs()), Report.ms(s.baselineMs()), s.acknowledged());
      add(new Item("longest write stall while the leader snapshots " + n + " (" + snapshotConnections + " connections)", "ms", "< 100 ms"),
          s.snapshotStatus() == 200 ? s.stallMs() : Double.NaN);
      add(new Item("… longest gap between writes before the snapshot (baseline)", "ms", ""), s.baselineMs());
      add(new Item("… POST /v1/admin/snapshot took", "ms", ""), s.snapshotMs());
    }
    URI follower = c.nodes().stream().filter(u -> !u.equals(target.leader())).findFirst().orElseThrow();
    if (figures.contains(Figure.restart)) {
      long commit = ops.commitIndex(target.leader());
      ops.stop(follower);
      long t0 = System.nanoTime();
      ops.start(follower);
      long deadline = t0 + TimeUnit.SECONDS.toNanos(waitSeconds);
      long ready = ops.awaitReady(follower, t0, deadline);
      long applied = ops.awaitApplied(follower, commit, t0, deadline);
      out.printf("run %d  restart of follower %s holding %s: ready after %s ms, applied ≥ %d after %s ms%n", run, ops.id(follower), n,
          ms(ready), commit, ms(applied));
      add(new Item("restart of a follower holding " + n + ": process start → /ready 200 and applied ≥ commit", "ms", "< 10,000 ms"),
          ready < 0 || applied < 0 ? Double.NaN : Math.max(ready, applied) / 1e6);
      if (ready < 0 || applied < 0) {
        keepLogs(c, "restart-run-" + run, out);
      }
    }
    if (figures.contains(Figure.catchup)) {
      ops.stop(follower);
      // Only to the nodes that run: a write sent to the stopped one would fail and leave a hole.
      List<URI> live = c.nodes().stream().filter(u -> !u.equals(follower)).toList();
      BatchScenario toLive = new BatchScenario(http, new Target.RoundRobin(live), claims, dataset);
      long before = dataset.stored();
      LevelResult more = toLive.level(batchConnections, batchSize, assertions);
      out.println(Report.line(run, more) + " (with " + ops.id(follower) + " stopped)");
      fillHoles(toLive, out);
      long behind = dataset.stored() - before;
      long commit = ops.commitIndex(target.leader());
      long t0 = System.nanoTime();
      ops.start(follower);
      long deadline = t0 + TimeUnit.SECONDS.toNanos(waitSeconds);
      // The JVM's start (seconds) is not catching up: the rate is also given from the first answer on.
      long up = ops.awaitStatus(follower, t0, deadline);
      long caughtUp = ops.awaitApplied(follower, commit, t0, deadline);
      double rate = caughtUp < 0 ? Double.NaN : behind / (caughtUp / 1e9);
      double rateFromUp = caughtUp < 0 || up < 0 || caughtUp <= up ? Double.NaN : behind / ((caughtUp - up) / 1e9);
      out.printf("run %d  catch-up of follower %s, %,d assertions behind: answering after %s ms, applied ≥ %d after %s ms from process "
              + "start → %,.0f assertions/s (%,.0f/s from its first answer)%n",
          run, ops.id(follower), behind, ms(up), commit, ms(caughtUp), rate, rateFromUp);
      add(new Item("catch-up of a follower " + n + " behind, from process start", "assertions/s", "≥ 100,000/s"), rate);
      if (caughtUp < 0) {
        keepLogs(c, "catchup-run-" + run, out);
      }
      add(new Item("… from the follower's first HTTP answer", "assertions/s", ""), rateFromUp);
    }
  }

  /** A figure that did not come within --wait: keep the node logs, which go with the cluster. */
  private static void keepLogs(OwnCluster c, String what, PrintWriter out) {
    try {
      out.println("  did not finish within --wait; the node logs are kept in " + c.keepLogs(what));
    } catch (java.io.IOException e) {
      out.println("  did not finish within --wait; the node logs could not be kept: " + e);
    }
  }

  private void fillHoles(BatchScenario batch, PrintWriter out) throws InterruptedException {
    long left = batch.fillHoles(batchConnections, batchSize);
    if (left > 0) {
      throw new IllegalStateException(left + " assertions could not be stored after 10 rounds of re-sending");
    }
  }

  private void add(Item item, double value) {
    figuresTable.add(item, Comparison.STEMEDB, value);
  }

  private static String ms(long nanos) {
    return nanos < 0 ? "(not within --wait)" : Report.ms(nanos / 1e6);
  }
}
