package io.stemedb.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stemedb.tools.StemeDbCli;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `stemedb cluster up` as a user runs it: three node processes, writes and reads over HTTP, a kill -9
 * of the leader's process, a restart, and `cluster down` leaving nothing running.
 */
class LocalClusterProcessTest {
  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  @TempDir Path dir;
  int base;

  @AfterEach
  void down() {
    cli("cluster", "down", "--dir", dir.toString());
  }

  static int cli(String... args) {
    return new CommandLine(new StemeDbCli()).execute(args);
  }

  /**
   * An HTTP base port whose six ports (HTTP and Raft of three nodes) are free, below the kernel's
   * ephemeral range (32768 and up), where an outgoing connection could take one after the check.
   */
  static int freeBase() throws Exception {
    return freeBase(3);
  }

  /** A base port with HTTP and Raft ports free for {@code nodes} nodes. */
  static int freeBase(int nodes) {
    return io.stemedb.tools.FreePorts.stemeDbBase(nodes);
  }

  String url(int node, String path) {
    return "http://127.0.0.1:" + (base + 100 * (node - 1)) + path;
  }

  HttpResponse<String> post(int node, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url(node, "/v1/assertions"))).timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  Optional<JsonNode> get(int node, String path) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(node, path))).timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  @Test
  void withTokensTheClusterGuardsAdminEndpointsAndWrites() throws Exception {
    base = freeBase();
    assertThat(cli("cluster", "up", "--detach", "--dir", dir.toString(), "--base-port", Integer.toString(base),
        "--nodes", "1", "--admin-token", "adm-1", "--writer-token", "wr-1")).isZero();
    assertThat(Files.readString(dir.resolve("n1").resolve("stemedb.toml"))).contains("[auth]");
    HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(URI.create(url(1, "/v1/admin/cluster/status"))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(post(1, "{\"subject\":\"s\",\"predicate\":\"p\",\"value\":1,\"agent\":\"a\"}").statusCode()).isEqualTo(401);
    HttpResponse<String> written = http.send(HttpRequest.newBuilder(URI.create(url(1, "/v1/assertions")))
        .header("Content-Type", "application/json").header("Authorization", "Bearer wr-1")
        .POST(HttpRequest.BodyPublishers.ofString("{\"subject\":\"s\",\"predicate\":\"p\",\"value\":1,\"agent\":\"a\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(written.statusCode()).isEqualTo(201);
    assertThat(cli("cluster", "status", "--dir", dir.toString())).isZero();
  }

  @Test
  void upWriteReadKillTheLeaderRestartAndDown() throws Exception {
    base = freeBase();
    assertThat(cli("cluster", "up", "--detach", "--dir", dir.toString(), "--base-port", Integer.toString(base))).isZero();
    for (String n : new String[] {"n1", "n2", "n3"}) {
      assertThat(dir.resolve(n).resolve("node.pid")).exists();
      assertThat(dir.resolve(n).resolve("node.log")).exists();
    }

    HttpResponse<String> created = post(2, "{\"subject\":\"customer:42\",\"predicate\":\"email\",\"value\":\"a@b.com\",\"agent\":\"crm\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    long index = JSON.readTree(created.body()).get("index").asLong();
    JsonNode read = get(3, "/v1/resolve?subject=customer:42&predicate=email").orElseThrow();
    assertThat(read.get("value").asText()).isEqualTo("a@b.com");
    assertThat(read.get("index").asLong()).isGreaterThanOrEqualTo(index);

    // kill -9 the leader's process; the others elect a new leader and keep accepting writes
    String leader = get(1, "/v1/admin/cluster/status").orElseThrow().get("leader").get("id").asText();
    long pid = Long.parseLong(Files.readString(dir.resolve(leader).resolve("node.pid")).trim());
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    int survivor = leader.equals("n1") ? 2 : 1;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int status = 0;
    while (System.nanoTime() < deadline && status != 201) {
      try {
        status = post(survivor, "{\"subject\":\"customer:42\",\"predicate\":\"email\",\"value\":\"x@y.com\",\"agent\":\"web\"}").statusCode();
      } catch (java.io.IOException e) {
        status = 0;
      }
    }
    assertThat(status).as("a write after the leader's kill -9").isEqualTo(201);

    // the killed node comes back and catches up
    assertThat(cli("cluster", "start-node", leader, "--dir", dir.toString())).isZero();
    int back = Integer.parseInt(leader.substring(1));
    deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode again = null;
    while (System.nanoTime() < deadline) {
      again = get(back, "/v1/resolve?subject=customer:42&predicate=email&lens=all").orElse(null);
      if (again != null && again.get("candidates").asInt() == 2) {
        break;
      }
      Thread.sleep(200);
    }
    assertThat(again).isNotNull();
    assertThat(again.get("candidates").asInt()).isEqualTo(2);

    // with two of three stopped, a write is answered 503 with Retry-After (its outcome is unknown)
    String survivorId = "n" + survivor;
    for (String n : new String[] {"n1", "n2", "n3"}) {
      if (!n.equals(survivorId)) {
        assertThat(cli("cluster", "stop-node", n, "--dir", dir.toString())).isZero();
      }
    }
    HttpResponse<String> lost = post(survivor, "{\"subject\":\"customer:42\",\"predicate\":\"email\",\"value\":\"z\",\"agent\":\"z\"}");
    assertThat(lost.statusCode()).isEqualTo(503);
    assertThat(lost.headers().firstValue("Retry-After")).isPresent();
    assertThat(lost.body()).contains("\"code\":\"unavailable\"");

    assertThat(cli("cluster", "down", "--dir", dir.toString())).isZero();
    for (String n : new String[] {"n1", "n2", "n3"}) {
      assertThat(dir.resolve(n).resolve("node.pid")).doesNotExist();
    }
    assertThat(get(1, "/health")).isEmpty();
  }
}
