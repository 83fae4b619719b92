package io.stemedb.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stemedb.tools.StemeDbCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A local three-process cluster for the operations tests (backup, restore, export, import, repair):
 * started and stopped with the real CLI, spoken to over real HTTP.
 */
final class OpsCluster implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> LENSES = List.of("recency", "authority", "consensus", "all");
  final Path dir;
  final int base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  OpsCluster(Path dir, int base) {
    this.dir = dir;
    this.base = base;
  }

  /** Starts the cluster (its data may have been restored into dir/nX/data beforehand). */
  static OpsCluster up(Path dir, String... extra) throws Exception {
    int base = LocalClusterProcessTest.freeBase();
    List<String> args = new ArrayList<>(List.of("cluster", "up", "--detach", "--dir", dir.toString(), "--base-port",
        Integer.toString(base)));
    args.addAll(List.of(extra));
    assertThat(cli(args.toArray(String[]::new)).code()).as("cluster up").isZero();
    return new OpsCluster(dir, base);
  }

  String url(int node) {
    return "http://127.0.0.1:" + (base + 100 * (node - 1));
  }

  Path dataDir(int node) {
    return dir.resolve("n" + node).resolve("data");
  }

  /** What the CLI printed and returned. */
  record Run(int code, String out) {}

  /** Runs the stemedb CLI in this JVM (node processes are started as separate processes). */
  static synchronized Run cli(String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      int code = StemeDbCli.commandLine().execute(args);
      return new Run(code, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(saved);
      System.out.print(captured.toString(StandardCharsets.UTF_8));
    }
  }

  HttpResponse<String> send(String method, String url, String contentType, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
        : b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode post(int node, String path, Object body) throws Exception {
    return retried("POST", node, path, body);
  }

  JsonNode put(int node, String path, Object body) throws Exception {
    return retried("PUT", node, path, body);
  }

  /**
   * A write (or admin action) retried as the contract allows — every write is idempotent — while the
   * cluster answers 503, 504 or 429 (a leader change on a busy machine), up to a minute.
   */
  private JsonNode retried(String method, int node, String path, Object body) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      HttpResponse<String> r = send(method, url(node) + path, "application/json", JSON.writeValueAsString(body));
      int status = r.statusCode();
      if ((status == 503 || status == 504 || status == 429) && System.nanoTime() < deadline) {
        Thread.sleep(1000);
        continue;
      }
      assertThat(status).as(path + ": " + r.body()).isBetween(200, 299);
      return JSON.readTree(r.body());
    }
  }

  JsonNode get(int node, String path) throws Exception {
    HttpResponse<String> r = send("GET", url(node) + path, null, null);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  String export(int node) throws Exception {
    HttpResponse<String> r = send("GET", url(node) + "/v1/admin/export-assertions", null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** Every lens's answer for each key, without log positions (which an import changes). */
  Map<String, JsonNode> answers(int node, List<String[]> keys) throws Exception {
    Map<String, JsonNode> out = new TreeMap<>();
    for (String[] key : keys) {
      for (String lens : LENSES) {
        HttpResponse<String> r = send("GET", url(node) + "/v1/resolve?subject=" + enc(key[0]) + "&predicate=" + enc(key[1])
            + "&lens=" + lens, null, null);
        out.put(key[0] + " " + key[1] + " " + lens, withoutIndexes(r.statusCode() == 200 ? JSON.readTree(r.body())
            : JSON.createObjectNode().put("status", r.statusCode())));
      }
    }
    return out;
  }

  static JsonNode withoutIndexes(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = JSON.createObjectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getKey().equals("index")) {
          copy.set(e.getKey(), withoutIndexes(e.getValue()));
        }
      }
      return copy;
    }
    if (node.isArray()) {
      var copy = JSON.createArrayNode();
      node.forEach(n -> copy.add(withoutIndexes(n)));
      return copy;
    }
    return node;
  }

  static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Waits (bounded) until {@code check} gives a non-null value. */
  static <T> T await(Duration timeout, String what, Supplier<T> check) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      T v = check.get();
      if (v != null) {
        return v;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
  }

  void stopNode(int node) {
    assertThat(cli("cluster", "stop-node", "--dir", dir.toString(), "n" + node).code()).isZero();
  }

  void startNode(int node) {
    assertThat(cli("cluster", "start-node", "--dir", dir.toString(), "n" + node).code()).isZero();
  }

  @Override
  public void close() {
    cli("cluster", "down", "--dir", dir.toString());
  }
}
