package io.stemedb.raft;

import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;

/**
 * The node's Raft status as gauges, read when scraped (never stale, nothing to keep up to date).
 * Replication lag is the leader's view of each follower: only the leader knows it.
 */
final class StatusCollector extends Collector {
  private final StemeNode node;
  private final NodeMetrics metrics;

  StatusCollector(StemeNode node, NodeMetrics metrics) {
    this.node = node;
    this.metrics = metrics;
  }

  @Override
  public List<MetricFamilySamples> collect() {
    NodeStatus s;
    try {
      s = node.status();
    } catch (RuntimeException e) {
      return List.of(); // the group is not running (starting or stopping): nothing true to report
    }
    boolean primary = "primary".equals(s.role());
    GaugeMetricFamily lagSeconds = new GaugeMetricFamily("stemedb_replication_lag_seconds",
        "Leader's view: seconds since each follower last acknowledged it.", List.of("peer"));
    GaugeMetricFamily lagEntries = new GaugeMetricFamily("stemedb_replication_lag_entries",
        "Leader's view: log entries each follower is behind the commit index.", List.of("peer"));
    GaugeMetricFamily mismatch = new GaugeMetricFamily("stemedb_merkle_mismatch",
        "Leader's view: 1 when a follower's Merkle root differed from the leader's at the last checkpoint.", List.of("peer"));
    if (primary) {
      for (NodeStatus.PeerStatus p : s.peers()) {
        if (p.id().equals(s.nodeId())) {
          continue;
        }
        mismatch.addMetric(List.of(p.id()), metrics.merkleMismatch.getOrDefault(p.id(), 0));
        if (p.matchIndex() >= 0) {
          lagSeconds.addMetric(List.of(p.id()), p.lastContactMs() < 0 ? 0 : p.lastContactMs() / 1000.0);
          lagEntries.addMetric(List.of(p.id()), p.lagEntries());
        }
      }
    }
    return List.of(
        gauge("stemedb_cluster_is_primary", "1 when this node is the Raft leader, else 0.", primary ? 1 : 0),
        gauge("stemedb_cluster_primary_count",
            "Leaders this node knows of in its current term: 1, or 0 while none is elected. Raft never has two in one term.",
            s.leaderId() == null ? 0 : 1),
        gauge("stemedb_raft_term", "This node's current Raft term.", s.term()),
        gauge("stemedb_raft_commit_index", "Highest log index this node knows is committed.", s.commitIndex()),
        gauge("stemedb_raft_applied_index", "Highest log index applied to this node's store.", s.appliedIndex()),
        lagSeconds,
        lagEntries,
        mismatch);
  }

  private static GaugeMetricFamily gauge(String name, String help, double value) {
    return new GaugeMetricFamily(name, help, value);
  }
}
