package io.stemedb.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemedb.raft.GroupCommitConfig;
import io.stemedb.tools.NodeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Node settings: the documented example is accepted as written, and environment overrides apply. */
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
