package io.stemedb.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.stemedb.raft.NodeConfig;
import io.stemedb.raft.NodeStatus;
import io.stemedb.raft.StemeNode;
import io.stemedb.storage.MerkleSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Cluster administration in the seeds' style: members, validate, leadership, snapshot, Merkle. */
final class AdminHandlers {
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);
  /** A member the leader has not heard from for this long is unreachable. */
  private static final long UNREACHABLE_MS = 5_000;

  private final StemeNode node;
  /** HTTP addresses are not replicated; this node knows its configured peers and the members added through it. */
  private final Map<String, String> httpAddresses;

  AdminHandlers(StemeNode node, Map<String, String> httpAddresses) {
    this.node = node;
    this.httpAddresses = new ConcurrentHashMap<>(httpAddresses);
  }

  /** GET /v1/admin/cluster/members */
  void members(Context ctx) {
    NodeStatus s = node.status();
    ObjectNode body = Json.object();
    ArrayNode members = body.putArray("members");
    for (NodeStatus.PeerStatus p : s.peers()) {
      String role = p.role().equals("learner") ? "learner" : p.id().equals(s.leaderId()) ? "primary" : "replica";
      members.addObject().put("id", p.id()).put("role", role).put("health", health(s, p))
          .put("priority", p.priority()).put("raftAddress", p.raftAddress()).put("httpAddress", httpAddresses.get(p.id()));
    }
    ok(ctx, s.appliedIndex(), body);
  }

  /** "healthy", "unreachable", or "unknown" when this node is not the leader and cannot tell. */
  private String health(NodeStatus s, NodeStatus.PeerStatus p) {
    if (p.id().equals(s.nodeId())) {
      return "healthy";
    }
    if (p.lastContactMs() < 0) {
      return p.id().equals(s.leaderId()) ? "healthy" : "unknown";
    }
    return p.lastContactMs() <= UNREACHABLE_MS ? "healthy" : "unreachable";
  }

  /** POST /v1/admin/cluster/members {"id", "raftAddress", "httpAddress", "priority", "learner"} */
  void addMember(Context ctx) {
    JsonNode b = ClaimParser.object(ctx.bodyAsBytes(), Set.of("id", "raftAddress", "httpAddress", "priority", "learner"));
    String id = ClaimParser.text(b, "id", "", true, 128);
    ClaimParser.checkAgent(id, "id");
    String raft = address(b, "raftAddress", true);
    String http = address(b, "httpAddress", false);
    int priority = b.has("priority") ? integer(b, "priority") : 0;
    boolean learner = b.has("learner") && bool(b, "learner");
    List<NodeConfig.Peer> voters = new ArrayList<>(node.voters());
    List<NodeConfig.Peer> learners = learners();
    if (voters.stream().anyMatch(p -> p.id().equals(id)) || learners.stream().anyMatch(p -> p.id().equals(id))) {
      throw ApiException.conflict("id", id + " is already a member");
    }
    (learner ? learners : voters).add(new NodeConfig.Peer(id, raft, priority));
    node.setMembers(voters, learners);
    if (http != null) {
      httpAddresses.put(id, http);
    }
    members(ctx);
  }

  /** DELETE /v1/admin/cluster/members/{id} */
  void removeMember(Context ctx) {
    String id = ctx.pathParam("id");
    List<NodeConfig.Peer> voters = new ArrayList<>(node.voters());
    List<NodeConfig.Peer> learners = learners();
    boolean removed = voters.removeIf(p -> p.id().equals(id)) | learners.removeIf(p -> p.id().equals(id));
    if (!removed) {
      throw ApiException.notFound(id + " is not a member");
    }
    if (voters.isEmpty()) {
      throw ApiException.invalid("id", "the last voting member cannot be removed");
    }
    node.setMembers(voters, learners);
    members(ctx);
  }

  /** PUT /v1/admin/cluster/members/{id}/priority {"priority"} */
  void setPriority(Context ctx) {
    String id = ctx.pathParam("id");
    JsonNode b = ClaimParser.object(ctx.bodyAsBytes(), Set.of("priority"));
    if (!b.has("priority")) {
      throw ApiException.invalid("priority", "is required");
    }
    int priority = integer(b, "priority");
    List<NodeConfig.Peer> voters = new ArrayList<>();
    boolean found = false;
    for (NodeConfig.Peer p : node.voters()) {
      found |= p.id().equals(id);
      voters.add(p.id().equals(id) ? new NodeConfig.Peer(p.id(), p.raftAddress(), priority) : p);
    }
    if (!found) {
      throw ApiException.notFound(id + " is not a voting member");
    }
    node.setMembers(voters, learners());
    members(ctx);
  }

  private List<NodeConfig.Peer> learners() {
    List<NodeConfig.Peer> out = new ArrayList<>();
    for (NodeStatus.PeerStatus p : node.status().peers()) {
      if (p.role().equals("learner")) {
        out.add(new NodeConfig.Peer(p.id(), p.raftAddress(), p.priority()));
      }
    }
    return out;
  }

  /** GET /v1/admin/cluster/validate: the seeds' daily check, from this node's view. */
  void validate(Context ctx) {
    NodeStatus s = node.status();
    ArrayNode unreachable = Json.MAPPER.createArrayNode();
    int replicas = 0;
    for (NodeStatus.PeerStatus p : s.peers()) {
      if (p.id().equals(s.leaderId())) {
        continue;
      }
      if (health(s, p).equals("unreachable")) {
        unreachable.add(p.id());
      } else {
        replicas++;
      }
    }
    int primaries = s.leaderId() == null ? 0 : 1;
    ObjectNode body = Json.object().put("primaries", primaries).put("replicas", replicas);
    body.set("unreachable", unreachable);
    body.put("ok", primaries == 1 && unreachable.isEmpty());
    ok(ctx, s.appliedIndex(), body);
  }

  /** POST /v1/admin/cluster/transfer-leadership {"to"} */
  void transferLeadership(Context ctx) {
    JsonNode b = ClaimParser.object(ctx.bodyAsBytes(), Set.of("to"));
    String to = ClaimParser.text(b, "to", "", true, 128);
    if (node.voters().stream().noneMatch(p -> p.id().equals(to))) {
      throw ApiException.invalid("to", to + " is not a voting member");
    }
    node.transferLeadership(to, ADMIN_TIMEOUT);
    ok(ctx, node.status().appliedIndex(), Json.object().put("leader", to));
  }

  /** POST /v1/admin/cluster/demote: the leader steps down and an election follows. */
  void demote(Context ctx) {
    noBody(ctx);
    String before = node.status().leaderId();
    node.stepDown(ADMIN_TIMEOUT);
    ok(ctx, node.status().appliedIndex(), Json.object().put("previousLeader", before));
  }

  /** POST /v1/admin/snapshot → {"index"} (of this node). */
  void snapshot(Context ctx) {
    noBody(ctx);
    long index = node.snapshot(ADMIN_TIMEOUT);
    ok(ctx, index, Json.object().put("index", index));
  }

  /** GET /v1/admin/merkle[?buckets=true] → {"index", "root", "assertions", "records", "buckets"?} */
  void merkle(Context ctx) {
    String buckets = new Params(ctx).optional("buckets", 5);
    if (buckets != null && !buckets.equals("true") && !buckets.equals("false")) {
      throw ApiException.invalid("buckets", "must be true or false");
    }
    MerkleSummary m = node.stateMachine().store().merkle();
    ObjectNode body = Json.object().put("index", m.index()).put("root", m.root())
        .put("assertions", node.stateMachine().store().claimCount()).put("records", m.records());
    if ("true".equals(buckets)) {
      ObjectNode b = body.putObject("buckets");
      new java.util.TreeMap<>(m.buckets()).forEach(b::put);
    }
    ok(ctx, m.index(), body);
  }

  /**
   * POST /v1/admin/cluster/merkle-diff {"other_node"} → both replicas' roots at one index (a checkpoint
   * entry appended now), {@code equal}, and the differing buckets with each side's hash.
   */
  void merkleDiff(Context ctx) throws Exception {
    JsonNode b = ClaimParser.object(ctx.bodyAsBytes(), Set.of("other_node"));
    String other = ClaimParser.text(b, "other_node", "", true, 128);
    boolean member = node.status().peers().stream().anyMatch(p -> p.id().equals(other));
    if (!member) {
      throw ApiException.invalid("other_node", "is not a member of this cluster");
    }
    if (other.equals(node.id())) {
      throw ApiException.invalid("other_node", "is this node; name another one");
    }
    io.stemedb.raft.MerkleDiff.Result r;
    try {
      r = node.compareWith(other, ADMIN_TIMEOUT);
    } catch (java.util.concurrent.TimeoutException e) {
      throw ApiException.timeout(e.getMessage());
    } catch (IllegalStateException e) {
      throw ApiException.unavailable(e.getMessage());
    }
    ObjectNode body = Json.object().put("index", r.index()).put("equal", r.equal());
    ObjectNode roots = body.putObject("roots");
    r.roots().forEach(roots::put);
    ArrayNode differing = body.putArray("differingBuckets");
    for (io.stemedb.raft.MerkleDiff.Bucket bucket : r.differing()) {
      ObjectNode d = differing.addObject().put("bucket", bucket.prefix());
      bucket.hashes().forEach(d::put);
    }
    ok(ctx, r.index(), body);
  }

  /** An action without parameters takes no body, or {@code {}}: anything else is an unknown field or not JSON. */
  private static void noBody(Context ctx) {
    byte[] body = ctx.bodyAsBytes();
    if (body.length > 0) {
      ClaimParser.object(body, Set.of());
    }
  }

  private static void ok(Context ctx, long index, ObjectNode body) {
    ctx.header(ApiServer.INDEX_HEADER, Long.toString(index));
    ctx.contentType("application/json").result(Json.write(body));
  }

  private static String address(JsonNode b, String name, boolean required) {
    String a = ClaimParser.text(b, name, "", required, 255);
    if (a != null && !a.matches("[A-Za-z0-9.\\-\\[\\]:]+:[0-9]{1,5}")) {
      throw ApiException.invalid(name, "must be host:port");
    }
    return a;
  }

  private static int integer(JsonNode b, String name) {
    JsonNode v = ClaimParser.notNull(b, name, "");
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
      throw ApiException.invalid(name, "must be a non-negative integer");
    }
    return v.intValue();
  }

  private static boolean bool(JsonNode b, String name) {
    JsonNode v = ClaimParser.notNull(b, name, "");
    if (!v.isBoolean()) {
      throw ApiException.invalid(name, "must be true or false");
    }
    return v.booleanValue();
  }
}
