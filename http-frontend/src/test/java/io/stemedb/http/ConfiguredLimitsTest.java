package io.stemedb.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stemedb.raft.NodeConfig;
import io.stemedb.raft.StemeNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Limits set lower than the defaults are the ones enforced, each naming its field. */
class ConfiguredLimitsTest {
  final HttpClient http = HttpClient.newHttpClient();
  String base;

  JsonNode error(String body, int status) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/assertions"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return status < 300 ? null : Json.MAPPER.readTree(r.body()).get("error");
  }

  static String claim(String subject, String value) {
    return "{\"subject\":\"" + subject + "\",\"predicate\":\"p\",\"value\":" + value + ",\"agent\":\"a\"}";
  }

  @Test
  void lowerLimitsApplyToBodiesBatchesValuesAndFields(@TempDir Path dir) throws Exception {
    Limits small = new Limits(2048, 2, 32, 3, 8, 256, 128, 2048);
    int raft = HttpApiTest.freePort();
    List<NodeConfig.Peer> peers = List.of(new NodeConfig.Peer("n1", "127.0.0.1:" + raft, 0));
    try (StemeNode node = StemeNode.start(NodeConfig.of("n1", "127.0.0.1", raft, peers, dir.resolve("n1")));
        ApiServer api = ApiServer.start(node, "127.0.0.1", 0, small, Map.of())) {
      base = "http://127.0.0.1:" + api.port();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!node.isLeader() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      error(claim("s", "1"), 201);
      error("{\"assertions\":[" + claim("s", "2") + "," + claim("s", "3") + "]}", 200);

      assertThat(error("{\"assertions\":[" + claim("s", "4") + "," + claim("s", "5") + "," + claim("s", "6") + "]}", 400)
          .get("field").asText()).isEqualTo("assertions");
      assertThat(error(claim("s", "\"" + "x".repeat(40) + "\""), 400).get("field").asText()).isEqualTo("value");
      assertThat(error(claim("s", "[[[[1]]]]"), 400).get("field").asText()).isEqualTo("value");
      assertThat(error(claim("subject-too-long", "1"), 400).get("field").asText()).isEqualTo("subject");
      assertThat(error(claim("s", "\"" + "y".repeat(3000) + "\""), 413).get("code").asText()).isNotEmpty();
    }
  }
}
