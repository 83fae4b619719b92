package io.stemedb.tools.bench;

import io.stemedb.tools.bench.load.BatchScenario;
import io.stemedb.tools.bench.load.Claims;
import io.stemedb.tools.bench.load.Dataset;
import io.stemedb.tools.bench.load.Http;
import io.stemedb.tools.bench.load.OwnCluster;
import io.stemedb.tools.bench.load.ResolveScenario;
import io.stemedb.tools.bench.load.Report;
import io.stemedb.tools.bench.load.SingleScenario;
import io.stemedb.tools.bench.load.Target;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A load generator over real HTTP: single-claim writes by concurrency (closed loop), batch writes
 * (assertions/s), and resolves at a fixed rate (open loop, coordinated-omission correct), against a
 * cluster given with {@code --urls} or a local 3-process cluster it starts and stops itself.
 */
@Command(name = "http-load", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Drives a cluster over HTTP and measures throughput and latency (HdrHistogram).")
public final class HttpLoadBenchmark implements Callable<Integer> {
  enum Scenario { single, batch, resolve }

  @Option(names = "--urls", split = ",", description = "base URLs of a running cluster (default: start a local 3-process cluster)")
  List<String> urls;

  @Option(names = "--cluster-arg", description = "an argument appended to `cluster up` for the local cluster (repeatable), "
      + "e.g. --cluster-arg=--group-commit --cluster-arg=off")
  List<String> clusterArgs = new java.util.ArrayList<>();

  @Option(names = "--token", description = "bearer token sent on every request; the admin token when the cluster has one")
  String token;

  @Option(names = "--target", defaultValue = "all", description = "where writes go: all (round-robin) or leader (default: ${DEFAULT-VALUE})")
  String target;

  @Option(names = "--scenario", split = ",", defaultValue = "single,batch,resolve", description = "single, batch, resolve (default: all)")
  List<Scenario> scenarios;

  @Option(names = "--runs", defaultValue = "1", description = "repeats of everything; medians are reported (default: ${DEFAULT-VALUE})")
  int runs;

  @Option(names = "--seconds", defaultValue = "10", description = "measured seconds per single level and for resolve (default: ${DEFAULT-VALUE})")
  int seconds;

  @Option(names = "--warmup", defaultValue = "2", description = "unmeasured seconds before each single level and resolve (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--connections", split = ",", defaultValue = "1,16,64", description = "single: concurrent connections per level (default: ${DEFAULT-VALUE})")
  List<Integer> connections;

  @Option(names = "--batch-size", defaultValue = "1000", description = "batch: assertions per request (default: ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--batch-total", defaultValue = "1000000", description = "batch: assertions per level (default: ${DEFAULT-VALUE})")
  long batchTotal;

  @Option(names = "--batch-connections", split = ",", defaultValue = "4", description = "batch: requests in flight per level (default: ${DEFAULT-VALUE})")
  List<Integer> batchConnections;

  @Option(names = "--stored", defaultValue = "1000000", description = "resolve: assertions stored before reading; batch's count (default: ${DEFAULT-VALUE})")
  long stored;

  @Option(names = "--claims-per-key", defaultValue = "10", description = "resolve: claims per (subject, predicate), from 4 agents (default: ${DEFAULT-VALUE})")
  int claimsPerKey;

  @Option(names = "--rate", defaultValue = "1000", description = "resolve: requests per second, open loop (default: ${DEFAULT-VALUE})")
  int rate;

  @Option(names = "--resolve-connections", defaultValue = "64", description = "resolve: most requests in flight (default: ${DEFAULT-VALUE})")
  int resolveConnections;

  @Option(names = "--lens", defaultValue = "recency", description = "resolve: lens (default: ${DEFAULT-VALUE})")
  String lens;

  @Option(names = "--consistency", description = "resolve: linearizable, leader or stale (default: the server's, linearizable)")
  String consistency;

  @Option(names = "--client", defaultValue = "URLCONNECTION",
      description = "HTTP client: URLCONNECTION (HttpURLConnection) or JDK (java.net.http) (default: ${DEFAULT-VALUE})")
  Http.Client client;

  @Option(names = "--timeout", defaultValue = "30", description = "seconds before a request counts as unanswered (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Spec CommandSpec spec;

  /** What the last call measured (for tests). */
  Report report;

  public static void main(String[] args) {
    System.exit(new CommandLine(new HttpLoadBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    header(out, spec);
    int maxConnections = Stream.of(connections, batchConnections, List.of(resolveConnections))
        .flatMap(List::stream).max(Integer::compare).orElse(1);
    try (Http http = Http.create(client, maxConnections, token, Duration.ofSeconds(timeoutSeconds));
        OwnCluster own = urls == null ? OwnCluster.start(clusterArgs, out) : null) {
      try {
        run(out, http, Target.discover(urls == null ? own.urls() : urls, http));
      } finally {
        if (own != null) {
          own.logProblems(5).forEach(out::println);
          out.println("stopping the local cluster");
          out.flush();
        }
      }
    }
    return 0;
  }

  private void run(PrintWriter out, Http http, Target cluster) throws InterruptedException {
    Target.Writes writes = Target.Writes.valueOf(target.toUpperCase(java.util.Locale.ROOT));
    out.printf("nodes %s; leader %s; writes to %s; reads to every node in turn; client %s, a thread per connection%n",
        cluster.nodes(), cluster.leader(), writes == Target.Writes.ALL ? "every node in turn" : "the leader",
        client == Http.Client.JDK ? "java.net.http.HttpClient" : "HttpURLConnection");
    out.println(cluster.raiseRateLimits(http, List.of("POST /v1/assertions", "GET /v1/resolve"), Claims.agents()));
    out.flush();
    // A prefix of our own: re-sent claims would be no-ops and flatter the figures.
    Claims claims = new Claims("bench-" + Long.toString(System.currentTimeMillis(), 36), claimsPerKey);
    Dataset dataset = new Dataset();
    SingleScenario single = new SingleScenario(http, cluster.writes(writes), claims);
    BatchScenario batch = new BatchScenario(http, cluster.writes(writes), claims, dataset);
    ResolveScenario resolve = new ResolveScenario(http, cluster, claims, dataset, batch, out);
    String query = "&lens=" + lens + (consistency == null ? "" : "&consistency=" + consistency);
    report = new Report(out);
    for (int run = 1; run <= runs; run++) {
      if (scenarios.contains(Scenario.single)) {
        for (int n : connections) {
          report.add(run, single.level(n, warmup, seconds));
        }
      }
      if (scenarios.contains(Scenario.batch)) {
        for (int n : batchConnections) {
          report.add(run, batch.level(n, batchSize, batchTotal));
        }
      }
      if (scenarios.contains(Scenario.resolve)) {
        report.add(run, resolve.run(stored, batchConnections.get(0), batchSize, rate, resolveConnections, warmup, seconds, query));
      }
    }
    report.summary(runs);
  }

  private void validate() {
    CommandLine cl = spec.commandLine();
    if (urls != null && !clusterArgs.isEmpty()) {
      throw new CommandLine.ParameterException(cl, "--cluster-arg applies to the local cluster only, not to --urls");
    }
    if (!target.equalsIgnoreCase("all") && !target.equalsIgnoreCase("leader")) {
      throw new CommandLine.ParameterException(cl, "--target must be all or leader");
    }
    boolean positive = runs > 0 && seconds > 0 && warmup >= 0 && batchSize > 0 && batchTotal > 0 && stored > 0
        && claimsPerKey > 0 && rate > 0 && resolveConnections > 0 && timeoutSeconds > 0
        && connections.stream().allMatch(c -> c > 0) && batchConnections.stream().allMatch(c -> c > 0);
    if (!positive) {
      throw new CommandLine.ParameterException(cl, "counts, sizes, rates and seconds must be positive");
    }
  }

  /** The machine and the exact command, so a figure can be traced back and rerun. */
  static void header(PrintWriter out, CommandSpec spec) {
    Runtime rt = Runtime.getRuntime();
    out.printf("machine: %d cores, %s %s %s, max heap of this JVM %,d MiB%n", rt.availableProcessors(),
        System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"),
        rt.maxMemory() >> 20);
    out.println("java: " + javaVersion());
    // Under `stemedb bench http-load` the original arguments start with the command names; ./bench
    // calls this class's main directly.
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    int name = args.indexOf(spec.name());
    String command = name < 0 ? "./bench " + spec.name() : "stemedb " + String.join(" ", args.subList(0, name + 1));
    out.println("command: " + command + " "
        + args.subList(name + 1, args.size()).stream().map(HttpLoadBenchmark::quote).collect(Collectors.joining(" ")));
    out.flush();
  }

  /** What `java -version` prints for the JVM the nodes run on (the same binary as this one). */
  private static String javaVersion() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try {
      Process p = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor();
      return String.join(" / ", text.lines().toList());
    } catch (IOException e) {
      return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return System.getProperty("java.runtime.version");
    }
  }

  private static String quote(String arg) {
    return arg.matches("[A-Za-z0-9_./:=,@%+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
  }
}
