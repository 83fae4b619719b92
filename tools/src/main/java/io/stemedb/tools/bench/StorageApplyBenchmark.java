package io.stemedb.tools.bench;

import io.stemedb.model.Assertion;
import io.stemedb.model.CanonicalJson;
import io.stemedb.storage.Change;
import io.stemedb.storage.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Storage apply throughput: N assertions applied in batches (one batch = one log entry) on one
 * thread, as the Raft apply thread does, into a fresh MapDB file per run. Only {@code Store.apply}
 * (and {@code commit}) is timed; building the claims is not.
 */
@Command(
    name = "storage-apply",
    mixinStandardHelpOptions = true,
    description = "Measures storage apply throughput (assertions/s).")
public final class StorageApplyBenchmark implements Callable<Integer> {
  @Option(names = "--assertions", defaultValue = "1000000", description = "assertions per run")
  int assertions;

  @Option(names = "--batch", defaultValue = "1000", description = "assertions per log entry")
  int batch;

  @Option(
      names = "--commit",
      defaultValue = "end",
      description = "when to commit MapDB: 'batch' (after every entry) or 'end' (once, as a timer would)")
  String commit;

  @Option(
      names = "--commit-every",
      defaultValue = "0",
      description = "commit after every N entries (as the node's timer does) and report the commit pauses")
  int commitEvery;

  @Option(names = "--runs", defaultValue = "3", description = "runs; the median is reported")
  int runs;

  @Option(names = "--dir", description = "where to put the store files (default: a temp directory)")
  Path dir;

  @Option(
      names = "--reads",
      defaultValue = "100000",
      description = "after the last commit, time this many records(subject, predicate, epoch, asOf) reads of random keys (0: none)")
  int reads;

  public static void main(String[] args) {
    System.exit(new CommandLine(new StorageApplyBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!commit.equals("batch") && !commit.equals("end")) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--commit must be batch or end");
    }
    System.out.printf(
        "storage-apply: %,d assertions, batches of %,d, commit=%s, %d runs, %d cpus%n",
        assertions, batch, commit, runs, Runtime.getRuntime().availableProcessors());
    double[] rates = new double[runs];
    for (int run = 0; run < runs; run++) {
      rates[run] = oneRun(run);
      System.out.printf("run %d: %,.0f assertions/s%n", run + 1, rates[run]);
    }
    Arrays.sort(rates);
    System.out.printf("median: %,.0f assertions/s (min %,.0f, max %,.0f)%n",
        rates[runs / 2], rates[0], rates[runs - 1]);
    return 0;
  }

  private double oneRun(int run) throws Exception {
    Path base = dir == null ? Files.createTempDirectory("stemedb-bench") : Files.createDirectories(dir);
    Path file = base.resolve("apply-" + run + "-" + System.nanoTime() + ".db");
    Random random = new Random(run);
    long nanos = 0;
    try (Store store = Store.open(file)) {
      long index = 1;
      for (int done = 0; done < assertions; done += batch) {
        List<Change> request = claims(random, done, Math.min(batch, assertions - done));
        long t0 = System.nanoTime();
        store.apply(index++, 1, List.of(request));
        if (commit.equals("batch")) {
          store.commit();
        }
        nanos += System.nanoTime() - t0;
        if (commitEvery > 0 && index % commitEvery == 0) {
          long c0 = System.nanoTime();
          store.commit();
          long c = System.nanoTime() - c0;
          nanos += c;
          commitPauses.recordValue(Math.max(1, c / 1000));
          if (done + batch >= assertions / 2 && done + batch < assertions / 2 + batch * commitEvery) {
            System.out.printf("  commit pause at %,d assertions: %.1f ms%n", done + batch, c / 1e6);
          }
        }
      }
      long t0 = System.nanoTime();
      store.commit();
      nanos += System.nanoTime() - t0;
      if (reads > 0) {
        timeReads(store, new Random(1000 + run));
      }
    } finally {
      // the store's files are state file plus siblings named after it (.wal.N, .run-N, .lock)
      try (var siblings = Files.list(file.getParent())) {
        for (Path p : (Iterable<Path>) siblings::iterator) {
          if (p.getFileName().toString().startsWith(file.getFileName().toString())) {
            Files.deleteIfExists(p);
          }
        }
      }
      if (dir == null) {
        try (var files = Files.walk(base)) {
          files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
    if (commitEvery > 0) {
      System.out.printf("  commit pauses every %d entries: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d commits)%n",
          commitEvery, commitPauses.getValueAtPercentile(50) / 1000.0, commitPauses.getValueAtPercentile(99) / 1000.0,
          commitPauses.getMaxValue() / 1000.0, commitPauses.getTotalCount());
      commitPauses.reset();
    }
    return assertions / (nanos / 1e9);
  }

  /**
   * The read a resolve makes: {@code records(subject, predicate, 0, applied)} for random keys of the
   * store just filled (100k subjects x 10 predicates, so ~1 claim per key), after one untimed pass of
   * 10k reads to warm the JIT. Latency in microseconds, p50 / p99 / max.
   */
  private void timeReads(Store store, Random random) {
    long asOf = store.appliedIndex();
    long found = 0;
    for (int i = 0; i < 10_000; i++) {
      found += store.records("customer:" + random.nextInt(100_000), "attr" + random.nextInt(10), 0, asOf)
          .assertions().size();
    }
    org.HdrHistogram.Histogram latency = new org.HdrHistogram.Histogram(3);
    for (int i = 0; i < reads; i++) {
      String subject = "customer:" + random.nextInt(100_000);
      String predicate = "attr" + random.nextInt(10);
      long t0 = System.nanoTime();
      found += store.records(subject, predicate, 0, asOf).assertions().size();
      latency.recordValue(Math.max(1, (System.nanoTime() - t0) / 100)); // in 0.1 us
    }
    System.out.printf("  records() of %,d random keys: p50 %.1f us, p99 %.1f us, max %.1f us (%,d claims found)%n",
        reads, latency.getValueAtPercentile(50) / 10.0, latency.getValueAtPercentile(99) / 10.0,
        latency.getMaxValue() / 10.0, found);
  }

  private final org.HdrHistogram.Histogram commitPauses = new org.HdrHistogram.Histogram(3);

  /** Claims shaped like the product's: 100k subjects, 10 predicates, 20 agents, ~60-byte values. */
  static List<Change> claims(Random random, int from, int n) {
    List<Change> out = new ArrayList<>(n);
    for (int i = from; i < from + n; i++) {
      String value = CanonicalJson.quote("user" + random.nextInt(1_000_000) + "@example.com / note " + i);
      out.add(
          new Change.AddClaim(
              Assertion.claim(
                  "customer:" + random.nextInt(100_000),
                  "attr" + random.nextInt(10),
                  value,
                  "agent-" + random.nextInt(20),
                  (1 + random.nextInt(10)) / 10.0,
                  1_793_527_200_000L + i,
                  null)));
    }
    return out;
  }
}
