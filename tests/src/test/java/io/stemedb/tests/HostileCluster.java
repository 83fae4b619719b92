package io.stemedb.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A 3-process cluster started as users start it ({@code cluster up --detach}, with an admin and a
 * writer token), and the plain HTTP the hostile cases need: any method, header and body through
 * {@link HttpClient}, and raw bytes over a socket for requests that client refuses to build.
 */
final class HostileCluster implements AutoCloseable {
  static final String ADMIN_TOKEN = "hostile-admin-token";
  static final String WRITER_TOKEN = "hostile-writer-token";
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  /** A response: status, headers (lower-case names) and the whole body. */
  record Reply(int status, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Path dir;
  private final int base;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private HostileCluster(Path dir, int base) {
    this.dir = dir;
    this.base = base;
  }

  static HostileCluster up() throws Exception {
    Path dir = Files.createTempDirectory("stemedb-hostile");
    int base = LocalClusterProcessTest.freeBase();
    int rc = LocalClusterProcessTest.cli("cluster", "up", "--detach", "--dir", dir.toString(), "--base-port", Integer.toString(base),
        "--admin-token", ADMIN_TOKEN, "--writer-token", WRITER_TOKEN);
    HostileCluster cluster = new HostileCluster(dir, base);
    if (rc != 0) {
      cluster.close();
      throw new IllegalStateException("cluster up failed: " + rc);
    }
    return cluster;
  }

  @Override
  public void close() {
    LocalClusterProcessTest.cli("cluster", "down", "--dir", dir.toString());
  }

  /** Where the nodes keep their data and logs (left after the run, for a failure's node logs). */
  Path dir() {
    return dir;
  }

  int port(int node) {
    return base + 100 * node;
  }

  String url(int node) {
    return "http://127.0.0.1:" + port(node);
  }

  Reply send(HostileCase c) throws IOException, InterruptedException {
    if (c.raw() != null) {
      return raw(c.node(), c.raw());
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(c.node()) + c.path())).timeout(TIMEOUT);
    if (c.contentType() != null) {
      b.header("Content-Type", c.contentType());
    }
    if (c.authorization() != null) {
      b.header("Authorization", c.authorization());
    }
    c.headers().forEach(b::header);
    HttpRequest.BodyPublisher body = c.body() == null ? HttpRequest.BodyPublishers.noBody()
        : c.chunked() ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(c.body())) // unknown length: chunked
        : HttpRequest.BodyPublishers.ofByteArray(c.body());
    b.method(c.method(), body);
    HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    Map<String, String> headers = new LinkedHashMap<>();
    r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
    try (InputStream in = r.body()) {
      // a watch that wrongly opened is an endless stream: do not wait for its end
      boolean stream = headers.getOrDefault("content-type", "").startsWith("text/event-stream");
      byte[] bytes = stream ? new byte[0] : in.readAllBytes();
      return new Reply(r.statusCode(), headers, bytes);
    }
  }

  /** Sends {@code request} as it is (it should say Connection: close) and reads the whole answer. */
  Reply raw(int node, byte[] request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port(node))) {
      s.setSoTimeout((int) TIMEOUT.toMillis());
      OutputStream out = s.getOutputStream();
      out.write(request);
      out.flush();
      s.shutdownOutput(); // the request is all there is: a server waiting for more sees its end
      byte[] all = s.getInputStream().readAllBytes();
      return parse(all);
    }
  }

  private static Reply parse(byte[] all) throws IOException {
    String text = new String(all, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("no complete HTTP response: " + text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(all, end + 4, all.length - end - 4);
    return new Reply(status, headers, body.toByteArray());
  }

  /** GET or POST with the admin token, answering the JSON body (or throwing on a non-2xx). */
  JsonNode admin(int node, String method, String path, String json) throws IOException, InterruptedException {
    HostileCase c = HostileCase.of("setup", node, method, path);
    Reply r = send(json == null ? c : c.json(json));
    if (r.status() / 100 != 2) {
      throw new IllegalStateException(method + " " + path + " on n" + (node + 1) + ": " + r.status() + " " + r.text());
    }
    return JSON.readTree(r.body());
  }

  /** Every route's request limit raised on every node, so that no case meets a 429 instead of its own error. */
  void raiseRateLimits(List<String> endpoints) throws IOException, InterruptedException {
    for (int node = 0; node < 3; node++) {
      for (String endpoint : endpoints) {
        admin(node, "POST", "/v1/admin/rate-limit", "{\"endpoint\":" + BodyTarget.quote(endpoint) + ",\"perSecond\":1000000}");
      }
    }
  }

  /**
   * The Merkle root once all three nodes report the same one at the same applied index (a write is
   * committed before every node has applied it, so they may differ for a moment).
   */
  String settledRoot() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    List<String> seen = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      seen.clear();
      for (int node = 0; node < 3; node++) {
        JsonNode m = admin(node, "GET", "/v1/admin/merkle", null);
        seen.add(m.get("index").asLong() + "/" + m.get("root").asText());
      }
      if (seen.stream().distinct().count() == 1) {
        return seen.get(0).substring(seen.get(0).indexOf('/') + 1);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the nodes' Merkle roots did not converge: " + seen);
  }
}
