package io.stemedb.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.storage.MerkleSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** Real nodes (Ratis over gRPC on loopback, MapDB on disk) in this JVM, started and stopped by id. */
final class TestCluster implements AutoCloseable {
  private final Path dir;
  private final Map<String, NodeConfig> configs = new LinkedHashMap<>();
  private final Map<String, StemeNode> running = new LinkedHashMap<>();

  TestCluster(Path dir, int nodes, UnaryOperator<NodeConfig> tune) {
    this.dir = dir;
    List<NodeConfig.Peer> peers = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      int port = freePort();
      ports.add(port);
      peers.add(new NodeConfig.Peer("n" + i, "127.0.0.1:" + port, 0));
    }
    for (int i = 1; i <= nodes; i++) {
      configs.put("n" + i, tune.apply(NodeConfig.of("n" + i, "127.0.0.1", ports.get(i - 1), peers, dir.resolve("n" + i))));
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  TestCluster startAll() {
    for (String id : configs.keySet()) {
      start(id);
    }
    return this;
  }

  StemeNode start(String id) {
    try {
      StemeNode node = StemeNode.start(configs.get(id));
      running.put(id, node);
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Adds a brand-new node's config (same cluster, its own port and directory) without starting it.
   * Like {@code stemedb add-node}, the node lists itself as a learner: one that listed itself as a
   * voter stood for election before the leader had added it, was told to shut down, and closed
   * (seen on a loaded machine). Returns the peer as the cluster should add it (a voter).
   */
  NodeConfig.Peer addConfig(String id, List<NodeConfig.Peer> peers, UnaryOperator<NodeConfig> tune) {
    int port = freePort();
    NodeConfig.Peer peer = new NodeConfig.Peer(id, "127.0.0.1:" + port, 0);
    List<NodeConfig.Peer> all = new ArrayList<>(peers);
    all.add(new NodeConfig.Peer(id, peer.raftAddress(), 0, true));
    configs.put(id, tune.apply(NodeConfig.of(id, "127.0.0.1", port, all, dir.resolve(id))));
    return peer;
  }

  void stop(String id) {
    StemeNode node = running.remove(id);
    if (node != null) {
      try {
        node.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  StemeNode node(String id) {
    return running.get(id);
  }

  List<StemeNode> running() {
    return List.copyOf(running.values());
  }

  List<NodeConfig.Peer> peers() {
    return configs.values().iterator().next().peers();
  }

  /** Waits for one running node to be a ready leader. */
  StemeNode awaitLeader(Duration timeout) {
    return await(timeout, "a leader", () -> {
      for (StemeNode n : running.values()) {
        if (n.isLeader()) {
          return n;
        }
      }
      return null;
    });
  }

  StemeNode follower() {
    StemeNode leader = awaitLeader(Duration.ofSeconds(20));
    return running.values().stream().filter(n -> n != leader).findFirst().orElseThrow();
  }

  /** Waits until every running node applied the same index and holds the same Merkle root. */
  MerkleSummary awaitConverged(Duration timeout) {
    return await(timeout, "all replicas at one index with one root", () -> {
      List<MerkleSummary> summaries = running.values().stream()
          .map(n -> n.stateMachine().store().merkle()).toList();
      long maxCommit = running.values().stream().mapToLong(n -> n.status().commitIndex()).max().orElse(0);
      boolean same = summaries.stream().distinct().count() == 1;
      boolean caughtUp = running.values().stream().allMatch(n -> n.status().appliedIndex() >= 0)
          && summaries.get(0).index() > 0
          && running.values().stream().allMatch(n -> n.status().commitIndex() >= maxCommit);
      return same && caughtUp ? summaries.get(0) : null;
    });
  }

  static <T> T await(Duration timeout, String what, java.util.function.Supplier<T> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        T value = probe.get();
        if (value != null) {
          return value;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what, last);
  }

  <T> List<T> each(Function<StemeNode, T> f) {
    return running.values().stream().map(f).toList();
  }

  @Override
  public void close() {
    for (String id : new ArrayList<>(running.keySet())) {
      try {
        stop(id);
      } catch (RuntimeException e) {
        // closing what is left
      }
    }
    assertThat(running).isEmpty();
  }
}
