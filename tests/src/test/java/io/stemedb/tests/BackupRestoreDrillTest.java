package io.stemedb.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disaster-recovery drill, as an operator runs it: write 100k claims (and every kind of history),
 * back up through one node, destroy the cluster, restore every node of a new one from the backup,
 * verify the restored data directories offline, start it, and find every record and every lens
 * answer as before; then verify each node's data against the backup once more after stopping it.
 */
class BackupRestoreDrillTest {
  @TempDir Path dir;

  @Test
  void backupDestroyRestoreVerify() throws Exception {
    Path backup = dir.resolve("backup");
    String export;
    Map<String, JsonNode> answers;
    OpsDataset data;
    Path old = dir.resolve("old");
    try (OpsCluster a = OpsCluster.up(old)) {
      data = OpsDataset.write(a, 100_000);
      OpsCluster.Run run = OpsCluster.cli("backup", "--from", a.url(2), "--out", backup.toString());
      assertThat(run.code()).as(run.out()).isZero();
      export = a.export(2);
      answers = a.answers(2, data.keys);
    }
    try (var all = Files.walk(old)) { // the cluster is gone
      all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    assertThat(Files.exists(old)).isFalse();

    Path fresh = dir.resolve("new");
    OpsCluster probe = new OpsCluster(fresh, 0);
    for (int n = 1; n <= 3; n++) {
      assertThat(OpsCluster.cli("restore", "--from", backup.toString(), "--data-dir", probe.dataDir(n).toString()).code()).isZero();
      OpsCluster.Run verify = OpsCluster.cli("merkle-verify", "--data-dir", probe.dataDir(n).toString(),
          "--manifest", backup.resolve("manifest.json").toString());
      assertThat(verify.code()).as(verify.out()).isZero();
      assertThat(verify.out()).contains("OK: equal to the manifest");
    }
    try (OpsCluster b = OpsCluster.up(fresh)) {
      // The same records at the same log positions, and the same answers, on every node.
      for (int n = 1; n <= 3; n++) {
        assertThat(b.export(n)).isEqualTo(export);
        assertThat(b.answers(n, data.keys)).isEqualTo(answers);
      }
      JsonNode written = b.post(1, "/v1/assertions", Map.of("subject", "after", "predicate", "restore", "value", true,
          "agent", "ops"));
      assertThat(written.path("created").asBoolean()).isTrue();
      for (int n = 1; n <= 3; n++) {
        // Applied on every node, and in its store's last commit (a snapshot names it), before it stops:
        // the check below reads the store, which a stop in between would leave to the Raft log to replay.
        b.get(n, "/v1/assertions/" + written.path("id").asText() + "?consistency=stale&minIndex=" + written.path("index").asLong());
        assertThat(b.post(n, "/v1/admin/snapshot", Map.of()).path("index").asLong()).isGreaterThanOrEqualTo(written.path("index").asLong());
        b.stopNode(n);
      }
      OpsCluster.Run differs = OpsCluster.cli("merkle-verify", "--data-dir", b.dataDir(1).toString(),
          "--manifest", backup.resolve("manifest.json").toString());
      assertThat(differs.code()).isEqualTo(1);
      assertThat(differs.out()).contains("MISMATCH").contains("differing bucket");
    }
    assertThat(Files.exists(backup.resolve("records.ndjson"))).isTrue();
  }
}
