package io.stemedb.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.prometheus.client.exporter.common.TextFormat;
import io.stemedb.raft.NodeStatus;
import io.stemedb.raft.StemeNode;
import java.util.Map;

/** {@code /health}, {@code /ready}, {@code /metrics} and {@code /v1/admin/cluster/status}. */
final class OpsHandlers {
  private final StemeNode node;
  private final Map<String, String> httpAddresses;
  private volatile long readyAtCommit = -1;
  private volatile boolean ready;

  OpsHandlers(StemeNode node, Map<String, String> httpAddresses) {
    this.node = node;
    this.httpAddresses = Map.copyOf(httpAddresses);
  }

  void health(Context ctx) {
    ctx.contentType("application/json").result("{\"status\":\"ok\"}");
  }

  /**
   * Ready once this node is in a cluster with a leader and has applied what was committed when it
   * first saw one (so a restarted node is not ready while it replays); not ready without a leader.
   */
  void ready(Context ctx) {
    NodeStatus s = node.status();
    boolean hasLeader = s.leaderId() != null;
    if (hasLeader && readyAtCommit < 0) {
      readyAtCommit = s.commitIndex();
    }
    if (hasLeader && s.appliedIndex() >= readyAtCommit) {
      ready = true;
    }
    boolean now = hasLeader && ready;
    ctx.status(now ? 200 : 503).contentType("application/json").result(Json.write(Json.object()
        .put("ready", now).put("leader", s.leaderId()).put("appliedIndex", s.appliedIndex())
        .put("commitIndex", s.commitIndex())));
    if (!now) {
      ctx.header("Retry-After", "1");
    }
  }

  /** Prometheus text format 0.0.4, from the node's own registry (docs/metrics.md). */
  void metrics(Context ctx) throws java.io.IOException {
    java.io.StringWriter out = new java.io.StringWriter();
    // Without the _created series: a start time per metric is noise for every dashboard and rule.
    TextFormat.write004(out, node.metrics().registry().filteredMetricFamilySamples(name -> !name.endsWith("_created")));
    ctx.contentType(TextFormat.CONTENT_TYPE_004).result(out.toString());
  }

  void clusterStatus(Context ctx) {
    NodeStatus s = node.status();
    ObjectNode body = Json.object().put("nodeId", s.nodeId()).put("role", s.role()).put("term", s.term());
    if (s.leaderId() == null) {
      body.putNull("leader");
    } else {
      String raft = s.peers().stream().filter(p -> p.id().equals(s.leaderId())).map(NodeStatus.PeerStatus::raftAddress)
          .findFirst().orElse(null);
      body.putObject("leader").put("id", s.leaderId()).put("raftAddress", raft)
          .put("httpAddress", httpAddresses.get(s.leaderId()));
    }
    body.put("commitIndex", s.commitIndex()).put("appliedIndex", s.appliedIndex()).put("snapshotIndex", s.snapshotIndex());
    ArrayNode peers = body.putArray("peers");
    for (NodeStatus.PeerStatus p : s.peers()) {
      ObjectNode pn = peers.addObject().put("id", p.id()).put("raftAddress", p.raftAddress())
          .put("httpAddress", httpAddresses.get(p.id())).put("priority", p.priority()).put("role", p.role());
      if (p.matchIndex() < 0) {
        pn.putNull("matchIndex").putNull("lagEntries").putNull("lagSeconds");
      } else {
        pn.put("matchIndex", p.matchIndex()).put("lagEntries", p.lagEntries())
            .put("lagSeconds", p.lastContactMs() < 0 ? 0.0 : p.lastContactMs() / 1000.0);
      }
    }
    ctx.header(ApiServer.INDEX_HEADER, Long.toString(s.appliedIndex()));
    ctx.contentType("application/json").result(Json.write(body));
  }
}
