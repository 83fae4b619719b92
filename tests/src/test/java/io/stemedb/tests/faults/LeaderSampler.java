package io.stemedb.tests.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Samples every node's role and term (status endpoint) and its {@code stemedb_cluster_is_primary}
 * and {@code stemedb_raft_term} gauges (/metrics) every 100 ms, all nodes at once, for
 * {@link Checks#singleLeader}. Each round notes which nodes were then on a healthy majority side: a
 * clique of connected, running nodes that had seen no fault for a second.
 */
public final class LeaderSampler implements AutoCloseable {
  /** What one node said in one round; {@code role} null when it did not answer. */
  public record Sample(int node, String role, long term, Double isPrimary, Double metricTerm) {}

  /** One round over all nodes; {@code healthySide}: the nodes of a settled majority side, or empty. */
  public record Round(long nanos, List<Sample> samples, Set<Integer> healthySide) {}

  private final FaultCluster cluster;
  private final List<Round> rounds = new ArrayList<>();
  private final ExecutorService pool;
  private final Thread thread;
  private volatile boolean running = true;

  public LeaderSampler(FaultCluster cluster) {
    this.cluster = cluster;
    this.pool = Executors.newFixedThreadPool(cluster.nodes(), r -> {
      Thread t = new Thread(r, "leader-sampler");
      t.setDaemon(true);
      return t;
    });
    this.thread = new Thread(this::run, "leader-sampler-loop");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (running) {
      long startedAt = System.nanoTime();
      Set<Integer> side = settledMajority(startedAt);
      List<CompletableFuture<Sample>> futures = new ArrayList<>();
      for (int k = 1; k <= cluster.nodes(); k++) {
        int node = k;
        futures.add(CompletableFuture.supplyAsync(() -> sample(node), pool));
      }
      List<Sample> samples = futures.stream().map(CompletableFuture::join).toList();
      // A fault during the round leaves it unsettled too.
      if (cluster.lastFaultNanos() > startedAt) {
        side = Set.of();
      }
      synchronized (rounds) {
        rounds.add(new Round(startedAt, samples, side));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private Set<Integer> settledMajority(long now) {
    if (now - cluster.lastFaultNanos() < TimeUnit.SECONDS.toNanos(1)) {
      return Set.of();
    }
    Set<Integer> side = new java.util.HashSet<>();
    Set<Integer> candidates;
    try {
      candidates = cluster.net().majoritySide();
    } catch (IllegalStateException noNamespaces) {
      candidates = new java.util.HashSet<>();
      for (int k = 1; k <= cluster.nodes(); k++) {
        candidates.add(k);
      }
    }
    for (int k : candidates) {
      if (!cluster.isPaused(k) && cluster.process(k).isPresent()) {
        side.add(k);
      }
    }
    return side.size() * 2 > cluster.nodes() ? Set.copyOf(side) : Set.of();
  }

  private Sample sample(int node) {
    if (cluster.isPaused(node)) {
      return new Sample(node, null, -1, null, null);
    }
    Optional<com.fasterxml.jackson.databind.JsonNode> s = cluster.status(node);
    Optional<String> scrape = cluster.metrics(node);
    Optional<Double> primary = scrape.flatMap(t -> Metrics.value(t, "stemedb_cluster_is_primary"));
    Optional<Double> term = scrape.flatMap(t -> Metrics.value(t, "stemedb_raft_term"));
    return new Sample(node, s.map(j -> j.path("role").asText()).orElse(null), s.map(j -> j.path("term").asLong()).orElse(-1L),
        primary.orElse(null), term.orElse(null));
  }

  public List<Round> rounds() {
    synchronized (rounds) {
      return List.copyOf(rounds);
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(10_000);
    pool.shutdownNow();
  }
}
