package io.stemedb.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export from one cluster, import into an empty one (real processes, the CLI and HTTP): the same
 * Merkle root on every replica and the same answer from every lens; importing again changes nothing;
 * a bad line is rejected alone, naming its line and field.
 */
class ExportImportTest {
  @TempDir Path dir;

  @Test
  void exportThenImportIntoAnEmptyClusterKeepsRootAndAnswersAndIsIdempotent() throws Exception {
    Path file = dir.resolve("export.ndjson");
    String root;
    long records;
    Map<String, JsonNode> answers;
    OpsDataset data;
    try (OpsCluster a = OpsCluster.up(dir.resolve("a"))) {
      data = OpsDataset.write(a, 2_000);
      assertThat(OpsCluster.cli("export", "--from", a.url(2), "--out", file.toString()).code()).isZero();
      JsonNode m = a.get(2, "/v1/admin/merkle");
      root = m.path("root").asText();
      records = m.path("records").asLong();
      answers = a.answers(2, data.keys);
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize((int) records);
    assertThat(lines).anyMatch(l -> l.contains("\"type\":\"vote\"")).anyMatch(l -> l.contains("\"type\":\"retraction\""))
        .anyMatch(l -> l.contains("\"type\":\"agent\"")).anyMatch(l -> l.contains("\"type\":\"epoch\""));

    try (OpsCluster b = OpsCluster.up(dir.resolve("b"))) {
      OpsCluster.Run first = OpsCluster.cli("import", "--to", b.url(3), "--file", file.toString());
      assertThat(first.code()).isZero();
      assertThat(first.out()).contains("read " + records + ", created " + records + ", duplicates 0, rejected 0");
      // /v1/admin/merkle reports the node's own applied state: n1 may still be applying the last batches.
      OpsCluster.await(java.time.Duration.ofSeconds(60), "n1 at the exported root", () -> {
        try {
          return b.get(1, "/v1/admin/merkle").path("root").asText().equals(root) ? true : null;
        } catch (Exception e) {
          return null;
        }
      });
      for (int other : new int[] {2, 3}) {
        JsonNode diff = b.post(1, "/v1/admin/cluster/merkle-diff", Map.of("other_node", "n" + other));
        assertThat(diff.path("equal").asBoolean()).as(diff.toString()).isTrue();
        assertThat(diff.path("roots").path("n" + other).asText()).isEqualTo(root);
      }
      assertThat(b.answers(1, data.keys)).isEqualTo(answers);

      OpsCluster.Run again = OpsCluster.cli("import", "--to", b.url(1), "--file", file.toString());
      assertThat(again.code()).isZero();
      assertThat(again.out()).contains("read " + records + ", created 0, duplicates " + records + ", rejected 0");
      assertThat(b.get(2, "/v1/admin/merkle").path("root").asText()).isEqualTo(root);
      assertThat(b.answers(2, data.keys)).isEqualTo(answers);

      // One bad line among good ones: it alone is rejected, by line number and field.
      String body = lines.get(0) + "\n{\"type\":\"vote\",\"assertionId\":\"nope\",\"agent\":\"x\",\"stance\":\"endorse\"}\n"
          + "{\"type\":\"assertion\",\"subject\":\"new\",\"predicate\":\"p\",\"value\":1,\"agent\":\"a\","
          + "\"observedAt\":\"2026-05-01T00:00:00Z\"}\n";
      HttpResponse<String> r = b.send("POST", b.url(2) + "/v1/admin/import-assertions", "application/x-ndjson", body);
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode tally = OpsCluster.JSON.readTree(r.body());
      assertThat(tally.path("read").asLong()).isEqualTo(3);
      assertThat(tally.path("created").asLong()).isEqualTo(1);
      assertThat(tally.path("duplicates").asLong()).isEqualTo(1);
      assertThat(tally.path("rejected").get(0).path("line").asLong()).isEqualTo(2);
      assertThat(tally.path("rejected").get(0).path("field").asText()).isEqualTo("assertionId");
      // Not NDJSON: refused whole, nothing applied.
      HttpResponse<String> json = b.send("POST", b.url(2) + "/v1/admin/import-assertions", "application/json", "{}");
      assertThat(json.statusCode()).isEqualTo(415);
      assertThat(json.body()).contains("unsupported_media_type");
    }
  }
}
