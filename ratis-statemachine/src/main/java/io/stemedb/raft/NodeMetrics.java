package io.stemedb.raft;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Histogram;

/**
 * The node's own Prometheus metrics, in a registry per node (tests run three nodes in one JVM, so
 * the process-wide default registry would mix them). {@code GET /metrics} exports it; docs/metrics.md
 * says what each means.
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

  public CollectorRegistry registry() {
    return registry;
  }
}
