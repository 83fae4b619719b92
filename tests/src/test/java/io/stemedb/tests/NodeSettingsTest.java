package io.stemedb.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemedb.raft.GroupCommitConfig;
import io.stemedb.raft.TlsFiles;
import io.stemedb.tools.NodeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node settings: the documented example and the production examples are accepted as written, and
 * environment overrides apply.
 */
class NodeSettingsTest {
  static final Path EXAMPLE = Path.of("").toAbsolutePath().getParent().resolve("etc/stemedb.toml");

  @Test
  void theProductionExampleParsesWithTokensAndGroupCommitAsDocumented() throws Exception {
    NodeSettings s = NodeSettings.load(EXAMPLE, Map.of());
    assertThat(s.auth().adminToken()).isNotBlank();
    assertThat(s.peers()).hasSize(3);
    assertThat(s.groupCommit()).isEqualTo(GroupCommitConfig.DEFAULTS);
    assertThat(s.nodeConfig().groupCommit()).isEqualTo(GroupCommitConfig.DEFAULTS);
    assertThat(s.limits()).isEqualTo(io.stemedb.http.Limits.DEFAULTS);
  }

  @Test
  void limitsComeFromTheLimitsSectionAndTheEnvironment(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("node.toml");
    Files.writeString(file, Files.readString(EXAMPLE).replace("max_batch_items = 1000", "max_batch_items = 50"));
    NodeSettings s = NodeSettings.load(file, Map.of("STEMEDB_LIMITS_MAX_VALUE_BYTES", "1024"));
    assertThat(s.limits().maxBatchItems()).isEqualTo(50);
    assertThat(s.limits().maxValueBytes()).isEqualTo(1024);
    assertThat(s.limits().maxBodyBytes()).isEqualTo(io.stemedb.http.Limits.DEFAULTS.maxBodyBytes());
    Files.writeString(file, Files.readString(EXAMPLE).replace("max_value_depth = 64", "max_value_depth = 0"));
    assertThatThrownBy(() -> NodeSettings.load(file, Map.of())).hasMessageContaining("limits.max_value_depth");
  }

  @Test
  void tlsIsOffUnlessEnabledAndTheEnvironmentCanTurnItOn() throws Exception {
    assertThat(NodeSettings.load(EXAMPLE, Map.of()).tls()).isNull();
    assertThat(NodeSettings.load(EXAMPLE, Map.of()).nodeConfig().tls()).isNull();
    NodeSettings s = NodeSettings.load(EXAMPLE, Map.of(
        "STEMEDB_TLS_ENABLED", "true", "STEMEDB_TLS_CERT_FILE", "/tls/a.crt", "STEMEDB_TLS_CA_FILE", "/tls/ca.crt"));
    assertThat(s.tls()).isEqualTo(new TlsFiles(Path.of("/tls/a.crt"), Path.of("/etc/stemedb/tls/n1.key"), Path.of("/tls/ca.crt")));
    assertThat(s.nodeConfig().tls()).isEqualTo(s.tls());
  }

  @Test
  void enabledTlsNeedsItsThreeFilesAndABoolean(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("node.toml");
    Files.writeString(file, Files.readString(EXAMPLE).replace("enabled = false\ncert_file", "enabled = true\ncert_file")
        .replaceAll("(?m)^ca_file = .*$", ""));
    assertThatThrownBy(() -> NodeSettings.load(file, Map.of()))
        .hasMessageContaining(file.toString()).hasMessageContaining("tls.ca_file is required when tls.enabled is true");
    assertThatThrownBy(() -> NodeSettings.load(EXAMPLE, Map.of("STEMEDB_TLS_ENABLED", "yes")))
        .hasMessageContaining("tls.enabled must be true or false");
  }

  /** etc/production: three nodes of one cluster, each with TLS, tokens and n1 as the preferred leader. */
  @Test
  void theThreeProductionNodesParseWithTlsAndTokens() throws Exception {
    List<NodeSettings> nodes = new ArrayList<>();
    for (String id : List.of("n1", "n2", "n3")) {
      NodeSettings s = NodeSettings.load(EXAMPLE.resolveSibling("production").resolve(id + ".toml"), Map.of());
      assertThat(s.nodeId()).isEqualTo(id);
      assertThat(s.dataDir()).isEqualTo(Path.of("/var/lib/stemedb", id));
      assertThat(s.tls()).isEqualTo(new TlsFiles(Path.of("/etc/stemedb/tls/" + id + ".crt"),
          Path.of("/etc/stemedb/tls/" + id + ".key"), Path.of("/etc/stemedb/tls/ca.crt")));
      assertThat(s.nodeConfig().tls()).isEqualTo(s.tls());
      assertThat(s.auth().adminToken()).isNotBlank();
      assertThat(s.auth().writerTokens()).isNotEmpty().allSatisfy(t -> assertThat(t).isNotBlank());
      nodes.add(s);
    }
    for (NodeSettings s : nodes) {
      assertThat(s.peers()).isEqualTo(nodes.get(0).peers());
      assertThat(s.auth()).isEqualTo(nodes.get(0).auth());
    }
    List<NodeSettings.Member> peers = nodes.get(0).peers();
    assertThat(peers).extracting(NodeSettings.Member::id).containsExactly("n1", "n2", "n3");
    assertThat(peers.get(0).priority()).isGreaterThan(Math.max(peers.get(1).priority(), peers.get(2).priority()));
  }

  @Test
  void environmentOverridesGroupCommitKeys() throws Exception {
    NodeSettings s = NodeSettings.load(EXAMPLE, Map.of(
        "STEMEDB_GROUP_COMMIT_ENABLED", "false", "STEMEDB_GROUP_COMMIT_LINGER_MS", "3",
        "STEMEDB_GROUP_COMMIT_MAX_IN_FLIGHT", "2"));
    assertThat(s.groupCommit().enabled()).isFalse();
    assertThat(s.groupCommit().linger()).isEqualTo(Duration.ofMillis(3));
    assertThat(s.groupCommit().maxInFlight()).isEqualTo(2);
  }

  @Test
  void aBadGroupCommitValueIsRefusedNamingTheKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("node.toml");
    Files.writeString(file, Files.readString(EXAMPLE).replace("max_in_flight = 1", "max_in_flight = 0"));
    assertThatThrownBy(() -> NodeSettings.load(file, Map.of()))
        .hasMessageContaining("group_commit.max_in_flight").hasMessageContaining(file.toString());
    Files.writeString(file, Files.readString(EXAMPLE).replace("linger_ms = 0", "lingerms = 0"));
    assertThatThrownBy(() -> NodeSettings.load(file, Map.of())).hasMessageContaining("unknown key group_commit.lingerms");
  }
}
