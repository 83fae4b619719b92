package io.stemedb.tools;

import io.stemedb.tools.backup.BackupCommand;
import io.stemedb.tools.backup.ExportCommand;
import io.stemedb.tools.backup.ImportCommand;
import io.stemedb.tools.backup.MerkleVerifyCommand;
import io.stemedb.tools.backup.RestoreCommand;
import io.stemedb.tools.bench.ClusterBenchmark;
import io.stemedb.tools.bench.CompareEtcdBenchmark;
import io.stemedb.tools.bench.HttpLoadBenchmark;
import io.stemedb.tools.bench.LensResolveBenchmarkRunner;
import io.stemedb.tools.bench.MapDbPutCeilingBenchmark;
import io.stemedb.tools.bench.StemeDbFiguresBenchmark;
import io.stemedb.tools.bench.StorageApplyBenchmark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stemedb}: run a node, run a local cluster, run ratis-shell against it, back up, restore and
 * verify, export and import, run benchmarks.
 */
@Command(
    name = "stemedb",
    mixinStandardHelpOptions = true,
    version = "stemedb 0.1.0",
    description = "StemeDB: a replicated store of claims from many sources, resolved at read time.",
    subcommands = {
      StemeDbCli.Server.class,
      LocalCluster.class,
      ShellCommand.class,
      BackupCommand.class,
      RestoreCommand.class,
      MerkleVerifyCommand.class,
      ExportCommand.class,
      ImportCommand.class,
      StemeDbCli.Bench.class,
    })
public final class StemeDbCli implements Runnable {

  /** Read by the JDK when ForkJoinPool's common pool is created: set it before anything uses one. */
  static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  public static void main(String[] args) {
    // Ratis continues appends on followers with CompletableFuture's *Async methods and no executor.
    // On a machine with 2 cores the common pool has parallelism 1, and the JDK then runs every such
    // task on a new thread: a follower started ~130 threads a second under 2,500 writes/s (perf
    // showed thousands of "Thread-N"). A common pool of at least 2 threads takes those tasks instead.
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(COMMON_POOL_PARALLELISM, Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors())));
    }
    System.exit(commandLine().execute(args));
  }

  /**
   * The CLI as {@code main} runs it. Everything after {@code shell}'s first positional argument is
   * ratis-shell's, so that its single-dash options need no {@code --} in front of them.
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new StemeDbCli());
    cli.getSubcommands().get("shell").setStopAtPositional(true);
    return cli;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** One node: Raft on its Raft port, the HTTP API on its HTTP port, until stopped (SIGTERM, Ctrl-C). */
  @Command(name = "server", mixinStandardHelpOptions = true, description = "Runs one node.")
  static final class Server implements Callable<Integer> {
    @Option(names = "--config", description = "TOML settings (default: the embedded single-node default)")
    Path config;

    @Override
    public Integer call() throws Exception {
      RunningNode running;
      try {
        running = RunningNode.start(NodeSettings.load(config, System.getenv()), io.stemedb.raft.DiskFailure.HALT);
      } catch (IllegalArgumentException e) {
        // A setting that cannot work (a typo, a missing certificate): say which, without a stack trace.
        System.err.println("stemedb server: cannot start: " + e.getMessage());
        return 2;
      }
      NodeSettings settings = running.settings();
      System.out.printf("stemedb node %s: HTTP %s://%s:%d, Raft %s:%d%s, data %s, %s%n", settings.nodeId(),
          running.scheme(), settings.httpHost(), running.api().port(), settings.raftHost(), settings.raftPort(),
          settings.tls() == null ? "" : " (mutual TLS)", settings.dataDir().toAbsolutePath(),
          settings.auth().adminToken() == null ? "no admin token: admin endpoints are open" : "admin endpoints need the admin token");
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        System.out.println("stemedb node " + settings.nodeId() + ": stopping");
        try {
          running.close();
        } catch (Exception e) {
          System.err.println("stemedb node " + settings.nodeId() + ": error while stopping: " + e);
        }
        stopped.countDown();
      }, "stemedb-shutdown"));
      stopped.await();
      return 0;
    }
  }

  /** The benchmarks (also reachable through ./bench). */
  @Command(name = "bench", mixinStandardHelpOptions = true, description = "Runs a benchmark.",
      subcommands = {StorageApplyBenchmark.class, MapDbPutCeilingBenchmark.class, ClusterBenchmark.class,
          LensResolveBenchmarkRunner.class, HttpLoadBenchmark.class, CompareEtcdBenchmark.class, StemeDbFiguresBenchmark.class})
  static final class Bench implements Runnable {
    @Override
    public void run() {
      new CommandLine(this).usage(System.out);
    }
  }
}
