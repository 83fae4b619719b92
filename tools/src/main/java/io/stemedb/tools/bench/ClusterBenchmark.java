package io.stemedb.tools.bench;

import io.stemedb.raft.NodeConfig;
import io.stemedb.raft.Proposal;
import io.stemedb.raft.StemeNode;
import io.stemedb.raft.UnavailableException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * An in-process 3-node cluster on loopback (real Ratis over gRPC, real MapDB files): write throughput
 * and latency by concurrency and batch size, leader kill → first successful write, and at a large
 * size the restart time of a node and the write stall while a snapshot is taken.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Benchmarks a 3-node in-process cluster.")
public final class ClusterBenchmark implements Callable<Integer> {
  @Option(names = "--writers", split = ",", defaultValue = "1,16,64", description = "concurrent writers")
  List<Integer> writers;

  @Option(names = "--batch", split = ",", defaultValue = "1,100,1000", description = "assertions per request")
  List<Integer> batches;

  @Option(names = "--seconds", defaultValue = "8", description = "measured seconds per cell (after 2 s warm-up)")
  int seconds;

  @Option(names = "--failover-runs", defaultValue = "3", description = "leader kills to time (0: skip)")
  int failoverRuns;

  @Option(names = "--load", defaultValue = "0", description = "assertions to load for the restart and snapshot figures (0: skip)")
  long load;

  private final AtomicLong sequence = new AtomicLong();

  public static void main(String[] args) {
    System.exit(new CommandLine(new ClusterBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("stemedb-cluster-bench");
    System.out.printf("cluster: 3 nodes in one JVM, %d cpus, data in %s%n", Runtime.getRuntime().availableProcessors(), dir);
    try (Cluster cluster = new Cluster(dir)) {
      StemeNode leader = cluster.awaitLeader();
      System.out.printf("%-8s %-6s %12s %12s %10s %10s %10s%n", "writers", "batch", "requests/s", "claims/s", "p50 ms", "p99 ms", "errors");
      for (int batch : batches) {
        for (int w : writers) {
          measure(cluster, w, batch);
        }
      }
      for (int run = 1; run <= failoverRuns; run++) {
        failover(cluster, run);
      }
      if (load > 0) {
        loadRestartAndSnapshot(cluster, cluster.awaitLeader());
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return 0;
  }

  /** ~200-byte claims: unique subjects, a 120-character value. */
  private List<Proposal> request(int batch) {
    List<Proposal> out = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      long n = sequence.incrementAndGet();
      out.add(new Proposal.Claim("customer:" + n, "email", "\"" + "x".repeat(100) + n + "@example.com\"",
          "agent-" + (n % 20), 0.9, null, null));
    }
    return out;
  }

  private void measure(Cluster cluster, int writers, int batch) throws Exception {
    Recorder recorder = new Recorder(3);
    AtomicLong errors = new AtomicLong();
    long warmUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    long endAt = warmUntil + TimeUnit.SECONDS.toNanos(seconds);
    AtomicLong requests = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<?>> running = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      running.add(pool.submit(() -> {
        while (System.nanoTime() < endAt) {
          List<Proposal> req = request(batch);
          long t0 = System.nanoTime();
          try {
            cluster.awaitLeader().write(req);
            long t1 = System.nanoTime();
            if (t0 >= warmUntil) {
              recorder.recordValue(Math.max(1, (t1 - t0) / 1000));
              requests.incrementAndGet();
            }
          } catch (RuntimeException e) {
            errors.incrementAndGet();
          }
        }
        return null;
      }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    pool.shutdown();
    Histogram h = recorder.getIntervalHistogram();
    double rps = requests.get() / (double) seconds;
    System.out.printf("%-8d %-6d %12.0f %12.0f %10.1f %10.1f %10d%n", writers, batch, rps, rps * batch,
        h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, errors.get());
  }

  /** Kill the leader (close its server) under write load; time the first write acknowledged after. */
  private void failover(Cluster cluster, int run) throws Exception {
    StemeNode leader = cluster.awaitLeader();
    String killed = leader.id();
    long start = System.nanoTime();
    cluster.stop(killed);
    long firstOk = -1;
    long deadline = start + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try {
        StemeNode any = cluster.running().get(0);
        any.write(request(1));
        firstOk = System.nanoTime();
        break;
      } catch (UnavailableException e) {
        // no leader yet
      }
    }
    System.out.printf("failover run %d: killed leader %s, first acknowledged write after %d ms%n",
        run, killed, firstOk < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(firstOk - start));
    cluster.start(killed);
    cluster.awaitLeader();
  }

  private void loadRestartAndSnapshot(Cluster cluster, StemeNode leader) throws Exception {
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    long perRequest = 1000;
    AtomicLong loaded = new AtomicLong();
    List<Future<?>> parts = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      parts.add(pool.submit(() -> {
        while (loaded.addAndGet(perRequest) <= load) {
          cluster.awaitLeader().write(request((int) perRequest));
        }
        return null;
      }));
    }
    for (Future<?> f : parts) {
      f.get();
    }
    pool.shutdown();
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf("loaded %,d assertions in %.1f s (%,.0f/s)%n", load, secs, load / secs);

    // snapshot pause: one writer measures its latencies while the leader takes a snapshot
    StemeNode current = cluster.awaitLeader();
    Recorder during = new Recorder(3);
    AtomicLong stop = new AtomicLong();
    ExecutorService writer = Executors.newSingleThreadExecutor();
    Future<?> w = writer.submit(() -> {
      while (stop.get() == 0) {
        long s = System.nanoTime();
        current.write(request(1));
        during.recordValue(Math.max(1, (System.nanoTime() - s) / 1000));
      }
      return null;
    });
    Thread.sleep(1000);
    during.getIntervalHistogram();
    Thread.sleep(3000);
    Histogram baseline = during.getIntervalHistogram();
    System.out.printf("writes at %,d assertions, 3 s without an operator snapshot (timer commits and automatic snapshots): p50 %.1f ms, p99 %.1f ms, longest %.1f ms%n",
        current.stateMachine().store().merkle().records(), baseline.getValueAtPercentile(50) / 1000.0,
        baseline.getValueAtPercentile(99) / 1000.0, baseline.getMaxValue() / 1000.0);
    long s0 = System.nanoTime();
    long snapIndex = current.snapshot(Duration.ofSeconds(60));
    long snapMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - s0);
    Thread.sleep(300);
    stop.set(1);
    w.get();
    writer.shutdown();
    Histogram h = during.getIntervalHistogram();
    System.out.printf("operator snapshot at index %d: took %d ms; longest write during it %.1f ms (p50 %.1f ms)%n",
        snapIndex, snapMs, h.getMaxValue() / 1000.0, h.getValueAtPercentile(50) / 1000.0);

    // restart time of a follower holding everything
    StemeNode follower = cluster.running().stream().filter(n -> n != current).findFirst().orElseThrow();
    String id = follower.id();
    cluster.stop(id);
    long r0 = System.nanoTime();
    StemeNode back = cluster.start(id);
    long target = current.status().commitIndex();
    while (back.status().appliedIndex() < target) {
      Thread.sleep(5);
    }
    System.out.printf("restart of %s holding %,d assertions: ready (applied the leader's commit index) after %d ms%n",
        id, back.stateMachine().store().merkle().records(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - r0));
  }

  /** Three nodes on free loopback ports. */
  static final class Cluster implements AutoCloseable {
    private final Map<String, NodeConfig> configs = new LinkedHashMap<>();
    private final Map<String, StemeNode> running = new LinkedHashMap<>();

    Cluster(Path dir) throws IOException {
      List<NodeConfig.Peer> peers = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        peers.add(new NodeConfig.Peer("n" + i, "127.0.0.1:" + freePort(), 0));
      }
      for (NodeConfig.Peer p : peers) {
        int port = Integer.parseInt(p.raftAddress().substring(p.raftAddress().indexOf(':') + 1));
        configs.put(p.id(), NodeConfig.of(p.id(), "127.0.0.1", port, peers, dir.resolve(p.id())));
        start(p.id());
      }
    }

    StemeNode start(String id) throws IOException {
      StemeNode node = StemeNode.start(configs.get(id));
      running.put(id, node);
      return node;
    }

    void stop(String id) throws IOException {
      running.remove(id).close();
    }

    List<StemeNode> running() {
      return List.copyOf(running.values());
    }

    StemeNode awaitLeader() {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        for (StemeNode n : running.values()) {
          if (n.isLeader()) {
            return n;
          }
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      throw new IllegalStateException("no leader within 30 s");
    }

    private static int freePort() throws IOException {
      try (ServerSocket s = new ServerSocket(0)) {
        return s.getLocalPort();
      }
    }

    @Override
    public void close() throws IOException {
      for (StemeNode n : running.values()) {
        n.close();
      }
    }
  }
}
