package io.stemedb.raft;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import io.prometheus.client.hotspot.DefaultExports;

/**
 * The node's Prometheus metrics, in a registry per node (tests run three nodes in one JVM, so the
 * process-wide default registry would mix them). {@code GET /metrics} exports it; docs/metrics.md
 * says what each means, and a contract test keeps the two equal.
 *
 * <p>Three kinds live here: what the node counts as it works (fields below), what is read off the
 * node's Raft status when scraped ({@link StatusCollector}), and Ratis's own metrics with the member
 * and group as labels ({@link RatisMetricsCollector}). The HTTP layer adds its own into the same
 * registry.
 */
public final class NodeMetrics {
  private final CollectorRegistry registry = new CollectorRegistry(true);

  final Histogram groupCommitBatchRequests =
      Histogram.build()
          .name("stemedb_group_commit_batch_requests")
          .help("Client requests coalesced into one Raft entry by this node's group commit.")
          .exponentialBuckets(1, 2, 11)
          .register(registry);

  final Histogram groupCommitBatchBytes =
      Histogram.build()
          .name("stemedb_group_commit_batch_bytes")
          .help("Encoded size of the Raft entries this node's group commit proposed.")
          .exponentialBuckets(256, 4, 9)
          .register(registry);

  final Counter assertionsIndexed =
      Counter.build()
          .name("stemedb_assertions_indexed_total")
          .help("New claims this replica applied into its store and indexes (repeats not counted).")
          .register(registry);

  final Counter entriesApplied =
      Counter.build()
          .name("stemedb_raft_entries_applied_total")
          .help("Raft log entries this replica applied to its store.")
          .register(registry);

  final Counter leaderChanges =
      Counter.build()
          .name("stemedb_raft_leader_changes_total")
          .help("Times this node saw the leader change (including to no leader being known).")
          .register(registry);

  final Counter walFsyncErrors =
      Counter.build()
          .name("stemedb_wal_fsync_errors_total")
          .help("Failures to write or sync the node's disk: the Raft log (the WAL), or the store applying it; the node stops serving after one.")
          .register(registry);

  final Histogram storeCommitSeconds =
      Histogram.build()
          .name("stemedb_store_commit_duration_seconds")
          .help("Time to make the store durable up to the applied index (the snapshot a restart starts from).")
          .buckets(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
          .register(registry);

  final Histogram snapshotInstallSeconds =
      Histogram.build()
          .name("stemedb_snapshot_install_duration_seconds")
          .help("Time to pull and install the leader's state when this replica fell behind its log.")
          .buckets(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
          .register(registry);

  final Gauge snapshotSizeBytes =
      Gauge.build()
          .name("stemedb_snapshot_size_bytes")
          .help("Size on disk of the store that the latest snapshot names.")
          .register(registry);

  final Gauge snapshotIndex =
      Gauge.build()
          .name("stemedb_snapshot_index")
          .help("Log index of the latest snapshot; the Raft log is purged up to about here.")
          .register(registry);

  final Gauge clockOffsetSeconds =
      Gauge.build()
          .name("stemedb_clock_offset_seconds")
          .help("This node's clock minus the leader's, measured over a Raft round trip (0 on the leader).")
          .register(registry);

  final Counter networkBytesSent =
      Counter.build()
          .name("stemedb_network_bytes_sent_total")
          .help("Payload bytes this node sent: raft = log entries replicated to followers, http = API response bodies.")
          .labelNames("channel")
          .register(registry);

  /**
   * The leader's last comparison per follower: 1 when its root differed. Exported at scrape time by
   * {@link StatusCollector} as {@code stemedb_merkle_mismatch{peer}}, 0 for a follower not yet compared.
   */
  final java.util.Map<String, Integer> merkleMismatch = new java.util.concurrent.ConcurrentHashMap<>();

  final Counter merkleChecks =
      Counter.build()
          .name("stemedb_merkle_checks_total")
          .help("Replica comparison rounds the leader completed.")
          .register(registry);

  final Counter merkleSyncErrors =
      Counter.build()
          .name("stemedb_merkle_sync_errors_total")
          .help("Replica comparisons that could not be made: a follower unreachable, too far behind, or no checkpoint.")
          .register(registry);

  final Histogram merkleSyncSeconds =
      Histogram.build()
          .name("stemedb_merkle_sync_duration_seconds")
          .help("Time of one replica comparison round on the leader (checkpoint entry, then every follower).")
          .buckets(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
          .register(registry);

  NodeMetrics() {
    DefaultExports.register(registry);
  }

  /** Adds the scrape-time views of {@code node}: its Raft status and Ratis's own metrics. */
  void bind(StemeNode node) {
    new StatusCollector(node, this).register(registry);
    new RatisMetricsCollector(node.id()).register(registry);
  }

  public CollectorRegistry registry() {
    return registry;
  }

  /** Counts payload bytes sent on a channel ({@code raft} or {@code http}). */
  public void bytesSent(String channel, long bytes) {
    networkBytesSent.labels(channel).inc(bytes);
  }
}
