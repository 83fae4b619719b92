package io.stemedb.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.stemedb.raft.GroupCommitConfig;
import io.stemedb.raft.NodeConfig;
import io.stemedb.raft.TlsFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node's settings from TOML ({@code etc/stemedb.toml} documents every key), with environment
 * overrides {@code STEMEDB_<SECTION>_<KEY>} (e.g. {@code STEMEDB_HTTP_PORT=18280}); with no file, the
 * embedded default (a single node on the seed's ports). Unknown sections or keys are errors, so a typo
 * never silently falls back to a default.
 *
 * @param tls the {@code [tls]} files when {@code tls.enabled}, else null (plaintext HTTP and Raft); the
 *     files are read when the node starts, so that settings can be checked on any machine
 */
public record NodeSettings(
    String nodeId,
    Path dataDir,
    String httpHost,
    int httpPort,
    String raftHost,
    int raftPort,
    String clusterName,
    long snapshotEveryEntries,
    long snapshotEveryBytes,
    Duration commitInterval,
    Duration requestTimeout,
    List<Member> peers,
    io.stemedb.http.Auth auth,
    long endpointRequestsPerSecond,
    long agentClaimsPerSecond,
    GroupCommitConfig groupCommit,
    io.stemedb.http.Limits limits,
    Duration merkleCheckInterval,
    TlsFiles tls) {

  /**
   * A member of the cluster as configured. {@code priority} and {@code learner} shape the Raft
   * configuration the cluster first forms with; once Raft has stored a configuration (it changes
   * through the admin endpoints or {@code stemedb shell}), the stored one wins at every restart.
   */
  public record Member(String id, String raftAddress, String httpAddress, int priority, boolean learner) {
    /** A voting member. */
    public Member(String id, String raftAddress, String httpAddress, int priority) {
      this(id, raftAddress, httpAddress, priority, false);
    }
  }

  private static final Map<String, Set<String>> KEYS = Map.of(
      "node", Set.of("id", "data_dir"),
      "http", Set.of("host", "port"),
      "raft", Set.of("host", "port", "cluster_name", "snapshot_every_entries", "snapshot_every_bytes", "commit_interval_ms", "request_timeout_ms",
          "merkle_check_interval_ms"),
      "auth", Set.of("admin_token", "writer_tokens", "read_tokens"),
      "rate_limits", Set.of("endpoint_per_second", "agent_per_second"),
      "group_commit", Set.of("enabled", "max_requests", "max_bytes", "linger_ms", "max_in_flight"),
      "limits", Set.of("max_body_bytes", "max_batch_items", "max_value_bytes", "max_value_depth",
          "max_subject_bytes", "max_predicate_bytes", "max_agent_bytes", "max_source_bytes"),
      "tls", Set.of("enabled", "cert_file", "key_file", "ca_file"));
  private static final Set<String> PEER_KEYS = Set.of("id", "raft_address", "http_address", "priority", "learner");

  /** Reads {@code file} (or the embedded default when null) and applies {@code env} overrides. */
  public static NodeSettings load(Path file, Map<String, String> env) throws IOException {
    TomlMapper toml = new TomlMapper();
    JsonNode root;
    if (file == null) {
      try (InputStream in = NodeSettings.class.getResourceAsStream("/default-node.toml")) {
        root = toml.readTree(in);
      }
    } else {
      root = toml.readTree(Files.readString(file));
    }
    ObjectNode config = (ObjectNode) root;
    applyEnvironment(config, env);
    return from(config, file == null ? "the embedded default" : file.toString());
  }

  private static void applyEnvironment(ObjectNode config, Map<String, String> env) {
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (!e.getKey().startsWith("STEMEDB_")) {
        continue;
      }
      String rest = e.getKey().substring("STEMEDB_".length()).toLowerCase(java.util.Locale.ROOT);
      // Sections have underscores of their own (rate_limits, group_commit): match them by prefix.
      for (Map.Entry<String, Set<String>> section : KEYS.entrySet()) {
        String prefix = section.getKey() + "_";
        if (rest.startsWith(prefix) && section.getValue().contains(rest.substring(prefix.length()))) {
          ObjectNode s = config.has(section.getKey())
              ? (ObjectNode) config.get(section.getKey()) : config.putObject(section.getKey());
          s.put(rest.substring(prefix.length()), e.getValue());
        }
      }
    }
  }

  private static NodeSettings from(ObjectNode c, String origin) {
    Iterator<String> sections = c.fieldNames();
    while (sections.hasNext()) {
      String s = sections.next();
      if (!KEYS.containsKey(s) && !s.equals("peers")) {
        throw new IllegalArgumentException(origin + ": unknown section [" + s + "]");
      }
      if (KEYS.containsKey(s)) {
        c.get(s).fieldNames().forEachRemaining(k -> {
          if (!KEYS.get(s).contains(k)) {
            throw new IllegalArgumentException(origin + ": unknown key " + s + "." + k);
          }
        });
      }
    }
    String id = text(c, "node", "id", origin);
    List<Member> peers = new ArrayList<>();
    JsonNode list = c.path("peers");
    if (!list.isArray() || list.isEmpty()) {
      throw new IllegalArgumentException(origin + ": [[peers]] must list every member, this node included");
    }
    for (JsonNode p : list) {
      p.fieldNames().forEachRemaining(k -> {
        if (!PEER_KEYS.contains(k)) {
          throw new IllegalArgumentException(origin + ": unknown key peers." + k);
        }
      });
      peers.add(new Member(p.path("id").asText(), p.path("raft_address").asText(), p.path("http_address").asText(),
          p.path("priority").asInt(0), p.path("learner").asBoolean(false)));
    }
    return new NodeSettings(
        id,
        Path.of(text(c, "node", "data_dir", origin)),
        text(c, "http", "host", origin),
        integer(c, "http", "port", origin),
        text(c, "raft", "host", origin),
        integer(c, "raft", "port", origin),
        c.path("raft").path("cluster_name").asText("stemedb"),
        c.path("raft").path("snapshot_every_entries").asLong(10_000),
        c.path("raft").path("snapshot_every_bytes").asLong(64L << 20),
        Duration.ofMillis(c.path("raft").path("commit_interval_ms").asLong(1000)),
        Duration.ofMillis(c.path("raft").path("request_timeout_ms").asLong(5000)),
        peers,
        new io.stemedb.http.Auth(c.path("auth").path("admin_token").asText(""),
            tokens(c.path("auth").path("writer_tokens")), tokens(c.path("auth").path("read_tokens"))),
        c.path("rate_limits").path("endpoint_per_second").asLong(io.stemedb.http.RateLimits.DEFAULT_ENDPOINT_PER_SECOND),
        c.path("rate_limits").path("agent_per_second").asLong(io.stemedb.http.RateLimits.DEFAULT_AGENT_PER_SECOND),
        groupCommit(c.path("group_commit"), origin),
        limits(c.path("limits"), origin),
        Duration.ofMillis(c.path("raft").path("merkle_check_interval_ms").asLong(60_000)),
        tls(c, origin));
  }

  private static io.stemedb.http.Limits limits(JsonNode l, String origin) {
    io.stemedb.http.Limits d = io.stemedb.http.Limits.DEFAULTS;
    try {
      return new io.stemedb.http.Limits(
          l.path("max_body_bytes").asLong(d.maxBodyBytes()),
          l.path("max_batch_items").asInt(d.maxBatchItems()),
          l.path("max_value_bytes").asInt(d.maxValueBytes()),
          l.path("max_value_depth").asInt(d.maxValueDepth()),
          l.path("max_subject_bytes").asInt(d.maxSubjectBytes()),
          l.path("max_predicate_bytes").asInt(d.maxPredicateBytes()),
          l.path("max_agent_bytes").asInt(d.maxAgentBytes()),
          l.path("max_source_bytes").asInt(d.maxSourceBytes()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
    }
  }

  /** The [tls] files, or null when TLS is off; when on, all three files are required. */
  private static TlsFiles tls(JsonNode c, String origin) {
    if (!bool(c, "tls", "enabled", false, origin)) {
      return null;
    }
    return new TlsFiles(Path.of(text(c, "tls", "cert_file", origin)), Path.of(text(c, "tls", "key_file", origin)),
        Path.of(text(c, "tls", "ca_file", origin)));
  }

  /** A TOML boolean, or (from the environment) the text true or false; anything else is refused. */
  private static boolean bool(JsonNode c, String section, String key, boolean fallback, String origin) {
    JsonNode v = c.path(section).path(key);
    if (v.isMissingNode()) {
      return fallback;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    return switch (v.asText().trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(origin + ": " + section + "." + key + " must be true or false, not " + v);
    };
  }

  private static GroupCommitConfig groupCommit(JsonNode g, String origin) {
    GroupCommitConfig d = GroupCommitConfig.DEFAULTS;
    try {
      return new GroupCommitConfig(
          g.path("enabled").asBoolean(d.enabled()),
          g.path("max_requests").asInt(d.maxRequests()),
          g.path("max_bytes").asInt(d.maxBytes()),
          Duration.ofMillis(g.path("linger_ms").asLong(d.linger().toMillis())),
          g.path("max_in_flight").asInt(d.maxInFlight()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
    }
  }

  /** The rate limits these settings ask for. */
  public io.stemedb.http.RateLimits rateLimits() {
    return new io.stemedb.http.RateLimits(endpointRequestsPerSecond, agentClaimsPerSecond);
  }

  /** A TOML array of tokens, or (from the environment) one comma-separated string. */
  private static List<String> tokens(JsonNode v) {
    List<String> out = new ArrayList<>();
    if (v.isArray()) {
      v.forEach(t -> out.add(t.asText()));
    } else if (v.isTextual()) {
      for (String t : v.asText().split(",")) {
        if (!t.isBlank()) {
          out.add(t.trim());
        }
      }
    }
    out.removeIf(String::isEmpty);
    return out;
  }

  private static String text(JsonNode c, String section, String key, String origin) {
    JsonNode v = c.path(section).path(key);
    if (v.isMissingNode() || v.asText().isEmpty()) {
      String when = section.equals("tls") ? " when tls.enabled is true" : "";
      throw new IllegalArgumentException(origin + ": " + section + "." + key + " is required" + when);
    }
    return v.asText();
  }

  private static int integer(JsonNode c, String section, String key, String origin) {
    String v = text(c, section, key, origin);
    try {
      int n = Integer.parseInt(v);
      if (n < 0 || n > 65535) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(origin + ": " + section + "." + key + " must be a port number, not " + v);
    }
  }

  /** The Raft side of these settings. */
  public NodeConfig nodeConfig() {
    List<NodeConfig.Peer> raftPeers = peers.stream()
        .map(p -> new NodeConfig.Peer(p.id(), p.raftAddress(), p.priority(), p.learner())).toList();
    NodeConfig base = NodeConfig.of(nodeId, raftHost, raftPort, raftPeers, dataDir);
    return new NodeConfig(nodeId, raftHost, raftPort, raftPeers, dataDir, clusterName, snapshotEveryEntries,
        snapshotEveryBytes, commitInterval, requestTimeout, base.electionTimeoutMin(), base.electionTimeoutMax(), base.purgeGap(),
        base.logSegmentBytes(), groupCommit, merkleCheckInterval, tls);
  }

  /** Every member's HTTP address by id (for status answers). */
  public Map<String, String> httpAddresses() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Member p : peers) {
      out.put(p.id(), p.httpAddress());
    }
    return out;
  }

  /** The TOML of a node of a local cluster (what {@code cluster up} writes for each node). */
  static String localClusterToml(
      String id, Path dataDir, int httpPort, int raftPort, List<Member> peers, String adminToken, String writerToken,
      boolean groupCommit) {
    return localClusterToml(id, dataDir, "127.0.0.1", httpPort, raftPort, peers, adminToken, writerToken, groupCommit);
  }

  /** The same, binding HTTP and Raft to {@code host} (a node with its own address). */
  static String localClusterToml(
      String id, Path dataDir, String host, int httpPort, int raftPort, List<Member> peers, String adminToken,
      String writerToken, boolean groupCommit) {
    StringBuilder b = new StringBuilder()
        .append("# Written by `stemedb cluster up`; every key is documented in etc/stemedb.toml.\n")
        .append("[node]\nid = \"").append(id).append("\"\ndata_dir = \"").append(dataDir.toString().replace("\\", "/")).append("\"\n\n")
        .append("[http]\nhost = \"").append(host).append("\"\nport = ").append(httpPort).append("\n\n")
        .append("[raft]\nhost = \"").append(host).append("\"\nport = ").append(raftPort).append("\n");
    if (adminToken != null || writerToken != null) {
      b.append("\n[auth]\n");
      if (adminToken != null) {
        b.append("admin_token = \"").append(adminToken).append("\"\n");
      }
      if (writerToken != null) {
        b.append("writer_tokens = [\"").append(writerToken).append("\"]\n");
      }
    }
    if (!groupCommit) {
      b.append("\n[group_commit]\nenabled = false\n");
    }
    for (Member p : peers) {
      b.append("\n[[peers]]\nid = \"").append(p.id()).append("\"\nraft_address = \"").append(p.raftAddress())
          .append("\"\nhttp_address = \"").append(p.httpAddress()).append("\"\npriority = ").append(p.priority()).append("\n");
      if (p.learner()) {
        b.append("learner = true\n");
      }
    }
    return b.toString();
  }
}
