package io.stemedb.http;

import static org.assertj.core.api.Assertions.assertThat;

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

/** Tokens: admin endpoints, writes and reads, each with the contract's 401/403 bodies. */
class AuthTest {
  // HTTP/1.1 keep-alive, as most clients and proxies: one connection carries the requests one after another
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  String base;

  int status(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 401) {
      assertThat(r.body()).contains("\"code\":\"unauthenticated\"").doesNotContain("admin-secret").doesNotContain("writer-secret");
    }
    if (r.statusCode() == 403) {
      assertThat(r.body()).contains("\"code\":\"permission_denied\"");
    }
    return r.statusCode();
  }

  @Test
  void tokensGuardAdminEndpointsWritesAndReads(@TempDir Path dir) throws Exception {
    int raft = HttpApiTest.freePort();
    List<NodeConfig.Peer> peers = List.of(new NodeConfig.Peer("n1", "127.0.0.1:" + raft, 0));
    try (StemeNode node = StemeNode.start(NodeConfig.of("n1", "127.0.0.1", raft, peers, dir.resolve("n1")));
        ApiServer api = ApiServer.start(node, "127.0.0.1", 0, Limits.DEFAULTS, Map.of(),
            new Auth("admin-secret", List.of("writer-secret"), List.of("reader-secret")), RateLimits.defaults())) {
      base = "http://127.0.0.1:" + api.port();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!node.isLeader() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      String claim = "{\"subject\":\"s\",\"predicate\":\"p\",\"value\":1,\"agent\":\"a\",\"observedAt\":\"2026-11-01T10:00:00Z\"}";

      assertThat(status("GET", "/health", null, null)).isEqualTo(200);
      assertThat(status("GET", "/v1/admin/cluster/status", null, null)).isEqualTo(401);
      assertThat(status("GET", "/v1/admin/cluster/status", "wrong", null)).isEqualTo(401);
      assertThat(status("GET", "/v1/admin/cluster/status", "writer-secret", null)).isEqualTo(403);
      assertThat(status("GET", "/v1/admin/cluster/status", "admin-secret", null)).isEqualTo(200);
      assertThat(status("GET", "/v1/admin/cluster/status", "ADMIN-SECRET", null)).isEqualTo(401); // same connection

      assertThat(status("POST", "/v1/assertions", null, claim)).isEqualTo(401);
      assertThat(status("POST", "/v1/assertions", "reader-secret", claim)).isEqualTo(403);
      assertThat(status("POST", "/v1/assertions", "writer-secret", claim)).isEqualTo(201);
      // on the same keep-alive connection, a token differing only in case is still not the token
      assertThat(status("POST", "/v1/assertions", "WRITER-SECRET", claim)).isEqualTo(401);
      assertThat(status("POST", "/v1/assertions", "admin-secret", claim)).isEqualTo(200);

      assertThat(status("GET", "/v1/resolve?subject=s&predicate=p", null, null)).isEqualTo(401);
      assertThat(status("GET", "/v1/resolve?subject=s&predicate=p", "reader-secret", null)).isEqualTo(200);
      assertThat(status("GET", "/v1/resolve?subject=s&predicate=p", "writer-secret", null)).isEqualTo(200);

      // forcing a retraction is an admin's act
      String id = io.stemedb.model.AssertionId.of("s", "p", "1", "a",
          io.stemedb.model.Timestamps.parse("2026-11-01T10:00:00Z"));
      String force = "{\"assertionId\":\"" + id + "\",\"agent\":\"other\",\"force\":true}";
      assertThat(status("POST", "/v1/retractions", "writer-secret", force)).isEqualTo(403);
      assertThat(status("POST", "/v1/retractions", "admin-secret", force)).isEqualTo(201);
    }
  }
}
