package io.stemedb.tools.bench;

import io.stemedb.tools.bench.load.Claims;
import io.stemedb.tools.bench.load.Comparison;
import io.stemedb.tools.bench.load.Comparison.Item;
import io.stemedb.tools.bench.load.Contender;
import io.stemedb.tools.bench.load.Dialect;
import io.stemedb.tools.bench.load.EtcdCluster;
import io.stemedb.tools.bench.load.FailoverScenario;
import io.stemedb.tools.bench.load.Http;
import io.stemedb.tools.bench.load.LevelResult;
import io.stemedb.tools.bench.load.OwnCluster;
import io.stemedb.tools.bench.load.ReadScenario;
import io.stemedb.tools.bench.load.Report;
import io.stemedb.tools.bench.load.ServerCpu;
import io.stemedb.tools.bench.load.SingleScenario;
import io.stemedb.tools.bench.load.Target;
import io.stemedb.tools.bench.load.Written;
import java.io.PrintWriter;
import java.nio.file.Path;
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
 * StemeDB side by side with etcd on this machine (issue 10): the same load generator, the same shape
 * of work over HTTP, one system at a time so they never share the CPU. Each run starts a fresh 3-member
 * etcd (installed from Debian's packages when missing), measures it and stops it, then does the same
 * with a fresh 3-process StemeDB cluster; the table has each system's median of the runs, the spread
 * and the ratio.
 */
@Command(name = "compare-etcd", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Runs the same HTTP work against a local 3-member etcd and a local 3-node StemeDB, one after the other.")
public final class CompareEtcdBenchmark implements Callable<Integer> {
  enum Only { etcd, stemedb }

  enum Work { writes, reads, failover }

  @Option(names = "--runs", defaultValue = "3", description = "fresh clusters and all the work, this many times; medians are reported (default: ${DEFAULT-VALUE})")
  int runs;

  @Option(names = "--seconds", defaultValue = "10", description = "measured seconds per write and read level (default: ${DEFAULT-VALUE})")
  int seconds;

  @Option(names = "--warmup", defaultValue = "2", description = "unmeasured seconds before each level (default: ${DEFAULT-VALUE})")
  int warmup;

  // Measured on this machine: a node JVM's C2 compiler is still busy two minutes after start (it takes
  // most of a core), and single writes at 1 connection go from ~90/s after 20 s to ~300/s after 150 s.
  // A server runs warm, so both systems get the same warm-up and the figures are steady-state ones;
  // the warm-up line is printed too, so the cold figure stays visible.
  @Option(names = "--initial-warmup", defaultValue = "120",
      description = "unmeasured seconds of writes at the highest level after each cluster starts, then a quarter of it of reads: StemeDB's JVMs compile for about two minutes, etcd needs none (default: ${DEFAULT-VALUE})")
  int initialWarmup;

  @Option(names = "--connections", split = ",", defaultValue = "1,16,64", description = "single writes: connections per level (default: ${DEFAULT-VALUE})")
  List<Integer> connections;

  @Option(names = "--read-connections", defaultValue = "64", description = "linearizable reads: connections (default: ${DEFAULT-VALUE})")
  int readConnections;

  @Option(names = "--read-keys", defaultValue = "1000", description = "reads: at least this many written keys to read from; topped up first if the writes left fewer (default: ${DEFAULT-VALUE})")
  int readKeys;

  @Option(names = "--failover-connections", defaultValue = "16", description = "failover: writing connections (default: ${DEFAULT-VALUE})")
  int failoverConnections;

  @Option(names = "--failover-before", defaultValue = "3", description = "failover: seconds of writes before the kill (default: ${DEFAULT-VALUE})")
  int failoverBefore;

  @Option(names = "--failover-after", defaultValue = "6", description = "failover: seconds of writes after the kill (default: ${DEFAULT-VALUE})")
  int failoverAfter;

  @Option(names = "--work", split = ",", defaultValue = "writes,reads,failover", description = "writes, reads, failover (default: all)")
  List<Work> work;

  @Option(names = "--only", description = "etcd or stemedb: measure one system only (quick iteration; no ratios)")
  Only only;

  @Option(names = "--timeout", defaultValue = "10", description = "seconds before a request counts as unanswered (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Option(names = "--max-minutes", defaultValue = "60", description = "overall deadline: work not started by then is skipped (default: ${DEFAULT-VALUE})")
  int maxMinutes;

  @Option(names = "--no-install", description = "fail instead of running apt-get when etcd is missing")
  boolean noInstall;

  @Option(names = "--cluster-arg", description = "an argument appended to StemeDB's `cluster up` (repeatable)")
  List<String> clusterArgs = new ArrayList<>();

  @Spec CommandSpec spec;

  /** What the last call measured (for tests). */
  Comparison comparison;

  public static void main(String[] args) {
    System.exit(new CommandLine(new CompareEtcdBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    HttpLoadBenchmark.header(out, spec);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(maxMinutes);
    Path etcd = only == Only.stemedb ? null : EtcdCluster.findOrInstall(!noInstall, out);
    comparison = new Comparison();
    for (int run = 1; run <= runs; run++) {
      // etcd first, stopped before StemeDB starts: the two never share the 2 cores.
      if (etcd != null && !late(deadline, out, "etcd run " + run)) {
        try (EtcdCluster c = EtcdCluster.start(etcd, out)) {
          measure(run, c, Comparison.ETCD, deadline, out);
        }
        out.println("etcd stopped");
      }
      if (only != Only.etcd && !late(deadline, out, "StemeDB run " + run)) {
        try (OwnCluster c = OwnCluster.start(clusterArgs, out)) {
          measure(run, c, Comparison.STEMEDB, deadline, out);
          out.println("stopping the StemeDB cluster");
        }
      }
    }
    out.println();
    out.printf("summary: median of %d run%s (min–max); ratio = StemeDB ÷ etcd of the medians%n", runs, runs == 1 ? "" : "s");
    out.println();
    out.println(comparison.markdown());
    out.flush();
    return 0;
  }

  private void measure(int run, Contender c, String system, long deadline, PrintWriter out) throws InterruptedException {
    out.println("run " + run + ": " + c.description());
    out.flush();
    int most = java.util.stream.Stream.of(connections, List.of(readConnections, failoverConnections)).flatMap(List::stream)
        .max(Integer::compare).orElse(1);
    // A prefix per run and system: no write ever repeats a key, so none is a cheap no-op.
    Claims claims = new Claims("bench-" + Long.toString(System.currentTimeMillis(), 36) + "-r" + run, 1);
    Dialect dialect = system.equals(Comparison.ETCD) ? Dialect.etcd(claims) : Dialect.stemedb(claims);
    try (Http http = Http.create(Http.Client.URLCONNECTION, most + 1, null, Duration.ofSeconds(timeoutSeconds))) {
      if (c instanceof OwnCluster own) {
        out.println(Target.discover(own.urls(), http).raiseRateLimits(http, List.of("POST /v1/assertions", "GET /v1/resolve"),
            Claims.agents()));
      }
      AtomicLong sequence = new AtomicLong();
      Written written = new Written();
      SingleScenario single = new SingleScenario(http, new Target.RoundRobin(c.nodes()), dialect, sequence, written);
      int top = connections.stream().max(Integer::compare).orElse(1);
      if (initialWarmup > 0) {
        out.println(system + " warm-up: " + Report.line(run, single.level(top, 0, initialWarmup)));
        if (work.contains(Work.reads)) {
          out.println(system + " warm-up: " + Report.line(run,
              new ReadScenario(http, new Target.RoundRobin(c.nodes()), dialect, written).level(readConnections, 0, Math.max(1, initialWarmup / 4))));
        }
      }
      if (work.contains(Work.writes)) {
        for (int n : connections) {
          if (late(deadline, out, system + " writes at " + n)) {
            return;
          }
          level(c, system, run, out, "single writes", "write", target(n), () -> single.level(n, warmup, seconds));
          out.flush();
        }
      }
      if (work.contains(Work.reads) && !late(deadline, out, system + " reads")) {
        long topUpEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (written.size() < readKeys && System.nanoTime() < topUpEnd) {
          single.level(top, 0, 1);
        }
        out.printf("%s reads over %,d written keys%n", system, written.size());
        level(c, system, run, out, "linearizable reads", "read", "≥ 1× etcd",
            () -> new ReadScenario(http, new Target.RoundRobin(c.nodes()), dialect, written).level(readConnections, warmup, seconds));
        out.flush();
      }
      if (work.contains(Work.failover) && !late(deadline, out, system + " failover")) {
        FailoverScenario.Result f = new FailoverScenario(http, c, dialect, sequence, Duration.ofSeconds(timeoutSeconds))
            .run(failoverConnections, failoverBefore, failoverAfter);
        out.printf("%s run %d failover: killed %s (kill -9); first acknowledged write %s ms after; %s, slowest answered %s ms "
                + "after the kill; after it %,d ok, errors %s%n",
            system, run, f.killed(), Report.ms(f.firstWriteMs()), f.inFlightText(), Report.ms(f.slowestAnswerMs()),
            f.okAfter(), f.errorsAfter().isEmpty() ? "none" : f.errorsAfter());
        comparison.add(new Item("kill -9 of the leader under " + failoverConnections + " writing connections → first acknowledged write",
            "ms", "< 2,000 ms"), system, f.firstWriteMs());
        comparison.add(new Item("… requests in flight at the kill: the last answered, after the kill", "ms", "every one ≤ 3,000 ms"),
            system, f.slowestAnswerMs());
        comparison.note("… how the requests in flight at the kill ended", system, f.inFlightText());
      }
    } finally {
      c.problems().forEach(out::println);
      out.flush();
    }
  }

  /** A level to run; its scenarios may be interrupted. */
  private interface Level {
    LevelResult run() throws InterruptedException;
  }

  /**
   * Runs one level, prints it with the cores the servers used meanwhile, and adds its rows to the
   * table: throughput (against {@code target}), p99, and server CPU per operation (over the level's
   * warm-up too: the same load).
   */
  private void level(Contender c, String system, int run, PrintWriter out, String work, String operation, String target,
      Level level) throws InterruptedException {
    ServerCpu before = ServerCpu.of(c);
    LevelResult r = level.run();
    double cores = ServerCpu.of(c).coresSince(before);
    out.println(system + " " + Report.line(run, r) + String.format(" | servers %.2f cores", cores));
    comparison.add(new Item(work + ", " + r.level(), "req/s", target), system, r.throughput());
    comparison.add(new Item(work + ", " + r.level() + ": p99", "ms", ""), system, r.p99Ms());
    comparison.add(new Item(work + ", " + r.level() + ": server CPU per " + operation, "µs", ""), system,
        ServerCpu.microsPerOperation(cores, r.throughput()));
  }

  private static String target(int connections) {
    return connections == 64 ? "≥ 1.5× etcd" : connections == 1 ? "≥ 1× etcd" : "";
  }

  private static boolean late(long deadline, PrintWriter out, String what) {
    if (System.nanoTime() < deadline) {
      return false;
    }
    out.println("--max-minutes reached: skipping " + what + " and everything after it");
    return true;
  }

  private void validate() {
    boolean positive = runs > 0 && seconds > 0 && warmup >= 0 && initialWarmup >= 0 && readConnections > 0 && readKeys > 0
        && failoverConnections > 0 && failoverBefore > 0 && failoverAfter > 0 && timeoutSeconds > 0 && maxMinutes > 0
        && connections.stream().allMatch(c -> c > 0);
    if (!positive) {
      throw new CommandLine.ParameterException(spec.commandLine(), "counts and seconds must be positive");
    }
  }
}
