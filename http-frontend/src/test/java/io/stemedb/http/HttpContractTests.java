package io.stemedb.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The HTTP contract (api.md) through a real HTTP client, against three nodes that a subclass starts:
 * in-process here ({@link HttpApiTest}), as separate processes in the tests module. Only HTTP is used,
 * so the same checks hold for both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class HttpContractTests {
  protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The HTTP base URLs of the three nodes, e.g. http://127.0.0.1:18180, once they are up. */
  protected abstract List<String> urls();

  public record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  /** A follower's API (writes are forwarded to the leader; reads are served locally). */
  String base() throws Exception {
    for (String url : urls()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/admin/cluster/status"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200 && Json.MAPPER.readTree(r.body()).path("role").asText().equals("replica")) {
        return url;
      }
    }
    return urls().get(0);
  }

  /** Waits until some node reports a leader (after start-up, or after leadership moved). */
  protected void awaitAnyLeader() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (String url : urls()) {
        try {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/ready")).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            return;
          }
        } catch (java.io.IOException e) {
          // not listening yet
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no node became ready");
  }

  Reply send(String method, String path, String contentType, String body) throws Exception {
    return sendTo(base(), method, path, contentType, body);
  }

  protected Reply sendTo(String url, String method, String path, String contentType, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(20));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = r.body().isEmpty() ? null : Json.MAPPER.readTree(r.body());
    return new Reply(r.statusCode(), json, r);
  }

  Reply post(String path, String body) throws Exception {
    return send("POST", path, "application/json", body);
  }

  Reply get(String path) throws Exception {
    return send("GET", path, null, null);
  }

  /** The first node's Merkle root once it has applied everything committed so far. */
  String root() throws Exception {
    String url = urls().get(0);
    sendTo(url, "GET", "/v1/agents?consistency=linearizable", null, null); // a ReadIndex barrier on that node
    return sendTo(url, "GET", "/v1/admin/merkle", null, null).body().get("root").asText();
  }

  public static void assertError(Reply r, int status, String code, String field) {
    assertThat(r.status()).as("status of %s", r.body()).isEqualTo(status);
    assertThat(r.body().path("error").path("code").asText()).isEqualTo(code);
    assertThat(r.body().path("error").path("message").asText()).isNotEmpty();
    if (field != null) {
      assertThat(r.body().path("error").path("field").asText()).isEqualTo(field);
    }
  }

  @Test
  void threeConflictingClaimsResolveThroughEveryLens() throws Exception {
    assertThat(send("PUT", "/v1/admin/agents/crm", "application/json", "{\"authority\":5,\"description\":\"the CRM\"}").status()).isEqualTo(200);
    assertThat(send("PUT", "/v1/admin/agents/web", "application/json", "{\"authority\":2,\"description\":\"web form\"}").status()).isEqualTo(200);
    assertThat(post("/v1/assertions", "{\"subject\":\"customer:42\",\"predicate\":\"email\",\"value\":\"a@b.com\","
        + "\"agent\":\"crm\",\"confidence\":0.9,\"observedAt\":\"2026-11-01T10:00:00Z\"}").status()).isEqualTo(201);
    assertThat(post("/v1/assertions", "{\"subject\":\"customer:42\",\"predicate\":\"email\",\"value\":\"x@y.com\","
        + "\"agent\":\"web\",\"observedAt\":\"2026-11-02T10:00:00Z\"}").status()).isEqualTo(201);
    Reply third = post("/v1/assertions", "{\"subject\":\"customer:42\",\"predicate\":\"email\",\"value\":\"x@y.com\","
        + "\"agent\":\"support\",\"confidence\":0.5,\"observedAt\":\"2026-11-01T12:00:00Z\"}");
    long index = third.body().get("index").asLong();

    Reply recency = get("/v1/resolve?subject=customer:42&predicate=email&minIndex=" + index);
    assertThat(recency.status()).isEqualTo(200);
    assertThat(recency.body().get("value").asText()).isEqualTo("x@y.com");
    assertThat(recency.body().get("winner").get("agent").asText()).isEqualTo("web");
    assertThat(recency.body().get("contested").asBoolean()).isTrue();
    assertThat(recency.body().get("candidates").asInt()).isEqualTo(3);
    assertThat(recency.body().get("explain").get("decidedBy").asText()).isEqualTo("recency");
    assertThat(Long.parseLong(recency.header("X-Stemedb-Index"))).isGreaterThanOrEqualTo(index);
    assertThat(recency.body().has("values")).isFalse();

    Reply authority = get("/v1/resolve?subject=customer:42&predicate=email&lens=authority");
    assertThat(authority.body().get("winner").get("agent").asText()).isEqualTo("crm");
    assertThat(authority.body().get("runnerUp").get("agent").asText()).isEqualTo("web");
    assertThat(authority.body().get("explain").get("decidedBy").asText()).isEqualTo("authority");
    assertThat(authority.body().get("winner").get("observedAt").asText()).isEqualTo("2026-11-01T10:00:00.000Z");

    // consensus: x@y.com has web 2×1 + support 1×0.5 = 2.5; a@b.com has crm 5×0.9 = 4.5
    Reply consensus = get("/v1/resolve?subject=customer:42&predicate=email&lens=consensus");
    assertThat(consensus.body().get("value").asText()).isEqualTo("a@b.com");
    assertThat(consensus.body().get("values").get(0).get("support").decimalValue()).isEqualByComparingTo("4.5");
    assertThat(consensus.body().get("values").get(1).get("support").decimalValue()).isEqualByComparingTo("2.5");
    assertThat(consensus.body().get("values").get(1).get("supporters")).hasSize(2);

    Reply all = get("/v1/resolve?subject=customer:42&predicate=email&lens=all");
    assertThat(all.body().has("winner")).isFalse();
    assertThat(all.body().get("values")).hasSize(2);
    assertThat(all.body().get("explain").get("decidedBy").asText()).isEqualTo("support");

    Reply filtered = get("/v1/resolve?subject=customer:42&predicate=email&agents=support,crm&minConfidence=0.6");
    assertThat(filtered.body().get("winner").get("agent").asText()).isEqualTo("crm");
    assertThat(filtered.body().get("candidates").asInt()).isEqualTo(1);
    assertThat(filtered.body().get("explain").get("decidedBy").asText()).isEqualTo("only-candidate");

    Reply past = get("/v1/resolve?subject=customer:42&predicate=email&asOfIndex=" + (index - 1));
    assertThat(past.body().get("candidates").asInt()).isEqualTo(2);
    assertThat(past.header("X-Stemedb-Index")).isEqualTo(Long.toString(index - 1));

    Reply bySubject = get("/v1/resolve?subject=customer:42");
    assertThat(bySubject.body().get("predicates").get("email").get("value").asText()).isEqualTo("x@y.com");

    assertError(get("/v1/resolve?subject=customer:42&predicate=phone"), 404, "not_found", null);
  }

  @Test
  void writesAreIdempotentAndConflictsChangeNothing() throws Exception {
    String claim = "{\"subject\":\"s:1\",\"predicate\":\"p\",\"value\":{\"b\":2,\"a\":1},\"agent\":\"a\","
        + "\"confidence\":0.5,\"observedAt\":\"2026-11-01T10:00:00.123456Z\",\"source\":\"https://x\"}";
    Reply first = post("/v1/assertions", claim);
    assertThat(first.status()).isEqualTo(201);
    assertThat(first.body().get("created").asBoolean()).isTrue();
    assertThat(first.body().get("id").asText()).hasSize(64);
    assertThat(first.header("X-Stemedb-Index")).isEqualTo(first.body().get("index").asText());

    Reply again = post("/v1/assertions", claim.replace("{\"b\":2,\"a\":1}", "{\"a\":1.0,\"b\":2}"));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().get("created").asBoolean()).isFalse();
    assertThat(again.body().get("index").asLong()).isEqualTo(first.body().get("index").asLong());
    assertThat(again.body().get("id").asText()).isEqualTo(first.body().get("id").asText());

    assertError(post("/v1/assertions", claim.replace("0.5", "0.7")), 409, "conflict", null);
    Reply batchWithConflict = post("/v1/assertions", "{\"assertions\":["
        + claim.replace("s:1", "s:2") + "," + claim.replace("0.5", "0.6") + "]}");
    assertError(batchWithConflict, 409, "conflict", "assertions[1]");
    assertError(get("/v1/resolve?subject=s:2&predicate=p"), 404, "not_found", null); // nothing of it applied

    Reply batch = post("/v1/assertions", "{\"assertions\":[" + claim.replace("s:1", "s:3") + ","
        + claim.replace("s:1", "s:3") + "," + claim + "]}");
    assertThat(batch.status()).isEqualTo(200);
    assertThat(batch.body().get("created").asInt()).isEqualTo(1);
    assertThat(batch.body().get("results")).hasSize(3);
    assertThat(batch.body().get("results").get(1).get("created").asBoolean()).isFalse();

    Reply byId = get("/v1/assertions/" + first.body().get("id").asText());
    assertThat(byId.status()).isEqualTo(200);
    assertThat(byId.body().get("value").toString()).isEqualTo("{\"a\":1,\"b\":2}");
    assertThat(byId.body().get("observedAt").asText()).isEqualTo("2026-11-01T10:00:00.123Z");
    assertThat(byId.body().get("retracted").asBoolean()).isFalse();
    assertThat(byId.body().get("votes")).isEmpty();
    assertError(get("/v1/assertions/" + "0".repeat(64)), 404, "not_found", null);
    assertError(get("/v1/assertions/nope"), 400, "invalid_argument", "id");
  }

  @Test
  void badInputIsA4xxNamingTheFieldAndChangesNothing() throws Exception {
    String ok = "{\"subject\":\"s\",\"predicate\":\"p\",\"value\":1,\"agent\":\"a\"}";
    assertThat(post("/v1/assertions", ok).status()).isIn(200, 201);
    String root = root();

    assertError(post("/v1/assertions", ok.replace("}", ",\"colour\":\"red\"}")), 400, "invalid_argument", "colour");
    assertError(post("/v1/assertions", ok.replace("}", ",\"source\":null}")), 400, "invalid_argument", "source");
    assertError(post("/v1/assertions", ok.replace("}", ",\"confidence\":\"high\"}")), 400, "invalid_argument", "confidence");
    assertError(post("/v1/assertions", ok.replace("}", ",\"confidence\":1.5}")), 400, "invalid_argument", "confidence");
    assertError(post("/v1/assertions", ok.replace("}", ",\"confidence\":1e400}")), 400, "invalid_argument", "confidence");
    assertError(post("/v1/assertions", ok.replace("\"a\"}", "\"a b\"}")), 400, "invalid_argument", "agent");
    assertError(post("/v1/assertions", ok.replace("\"s\"", "\"s\\u0007\"")), 400, "invalid_argument", "subject");
    assertError(post("/v1/assertions", ok.replace("\"s\"", "\"s\\u0085\"")), 400, "invalid_argument", "subject");
    assertError(post("/v1/assertions", ok.replace("\"p\"", "\"" + "p".repeat(257) + "\"")), 400, "invalid_argument", "predicate");
    assertError(post("/v1/assertions", ok.replace("}", ",\"observedAt\":\"yesterday\"}")), 400, "invalid_argument", "observedAt");
    assertError(post("/v1/assertions", "{\"subject\":\"s\",\"subject\":\"t\",\"predicate\":\"p\",\"value\":1,\"agent\":\"a\"}"),
        400, "invalid_argument", null);
    assertError(post("/v1/assertions", ok.substring(0, 20)), 400, "invalid_argument", null);
    assertError(post("/v1/assertions", "[1,2]"), 400, "invalid_argument", null);
    assertError(post("/v1/assertions", "{\"subject\":\"s\",\"predicate\":\"p\",\"agent\":\"a\"}"), 400, "invalid_argument", "value");
    assertError(post("/v1/assertions", "{\"assertions\":[]}"), 400, "invalid_argument", "assertions");
    assertError(post("/v1/assertions", "{\"assertions\":[" + (ok + ",").repeat(1000) + ok + "]}"), 400, "invalid_argument", "assertions");
    assertError(post("/v1/assertions", "{\"assertions\":[" + ok + ",{\"subject\":1}]}"), 400, "invalid_argument", "assertions[1].subject");
    // depth: 64 nested arrays pass, 65 fail
    assertThat(post("/v1/assertions", ok.replace("\"value\":1", "\"value\":" + "[".repeat(64) + "]".repeat(64))).status()).isIn(200, 201);
    root = root();
    assertError(post("/v1/assertions", ok.replace("\"value\":1", "\"value\":" + "[".repeat(65) + "]".repeat(65))), 400, "invalid_argument", "value");
    assertError(post("/v1/assertions", ok.replace("\"value\":1", "\"value\":\"" + "x".repeat(70_000) + "\"")), 400, "invalid_argument", "value");
    assertError(post("/v1/assertions", "{\"subject\":\"" + "x".repeat(5 << 20) + "\"}"), 413, "payload_too_large", null);
    assertError(send("POST", "/v1/assertions", null, ok), 415, "unsupported_media_type", null);
    Reply noBody = send("POST", "/v1/assertions", null, null);
    assertError(noBody, 400, "invalid_argument", null);
    assertThat(noBody.body().get("error").get("message").asText()).contains("empty");
    assertError(send("POST", "/v1/assertions", "text/plain", ok), 415, "unsupported_media_type", null);
    assertError(send("PUT", "/v1/resolve", "application/json", "{}"), 405, "method_not_allowed", null);
    assertError(get("/v1/nothing-here"), 404, "not_found", null);
    assertError(get("/v1/resolve?predicate=p"), 400, "invalid_argument", "subject");
    assertError(get("/v1/resolve?subject=s&lens=vibes"), 400, "invalid_argument", "lens");
    assertError(get("/v1/resolve?subject=s&consistency=eventual"), 400, "invalid_argument", "consistency");
    assertError(get("/v1/resolve?subject=s&minIndex=-1"), 400, "invalid_argument", "minIndex");
    assertError(get("/v1/resolve?subject=s&asOf=soon"), 400, "invalid_argument", "asOf");
    assertError(get("/v1/resolve?subject=s&minConfidence=2"), 400, "invalid_argument", "minConfidence");
    assertError(get("/v1/resolve?subject=s&agents=a,,b"), 400, "invalid_argument", "agents");
    assertError(get("/v1/resolve?subject=s&predicate=p&minIndex=999999999&timeoutMs=200"), 504, "timeout", null);

    assertThat(root()).isEqualTo(root);
  }

  /** What the generated hostile-input suite (tests module) found, one case each. */
  @Test
  void hostileInputIsRefusedWithTheErrorBody() throws Exception {
    String ok = "{\"subject\":\"hx\",\"predicate\":\"p\",\"value\":\"v\",\"agent\":\"a\"}";
    assertThat(post("/v1/assertions", ok).status()).isIn(200, 201);
    String root = root();
    String url = base();

    // bodies: UTF-8 only (an overlong NUL, an encoded surrogate, UTF-16), no unpaired surrogate in a value
    for (byte[] bad : new byte[][] {{(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}}) {
      byte[] body = ok.replace("\"v\"", "\"v#\"").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      int at = new String(body, java.nio.charset.StandardCharsets.UTF_8).indexOf('#');
      byte[] spoiled = new byte[body.length - 1 + bad.length];
      System.arraycopy(body, 0, spoiled, 0, at);
      System.arraycopy(bad, 0, spoiled, at, bad.length);
      System.arraycopy(body, at + 1, spoiled, at + bad.length, body.length - at - 1);
      assertError(sendBytes(url, "POST", "/v1/assertions", spoiled, false), 400, "invalid_argument", null);
    }
    assertError(sendBytes(url, "POST", "/v1/assertions", ok.getBytes(java.nio.charset.StandardCharsets.UTF_16LE), false),
        400, "invalid_argument", null);
    assertError(post("/v1/assertions", ok.replace("\"v\"", "\"\\ud800\"")), 400, "invalid_argument", "value");
    assertError(post("/v1/assertions", ok.replace("\"v\"", "{\"\\udc00\":1}")), 400, "invalid_argument", "value");
    // a whole-body error names no field
    assertThat(post("/v1/assertions", "[1,2]").body().get("error").has("field")).isFalse();
    // a chunked body is held to the byte limit as a declared one is
    byte[] big = ("{\"subject\":\"" + "x".repeat(5 << 20) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertError(sendBytes(url, "POST", "/v1/assertions", big, true), 413, "payload_too_large", null);
    // actions without parameters refuse a body with fields
    assertError(sendTo(url, "POST", "/v1/admin/snapshot", "application/json", "{\"x\":1}"), 400, "invalid_argument", "x");

    // queries: a parameter once, plain ASCII numbers, UTF-8 escapes
    assertError(get("/v1/resolve?subject=a&subject=b"), 400, "invalid_argument", "subject");
    assertError(get("/v1/resolve?subject=s&asOfIndex=%D9%A3"), 400, "invalid_argument", "asOfIndex");
    assertError(get("/v1/resolve?subject=s&minConfidence=0.5f"), 400, "invalid_argument", "minConfidence");
    assertError(get("/v1/resolve?subject=%C0%80"), 400, "invalid_argument", "subject");
    assertError(get("/v1/agents/" + "a".repeat(129)), 400, "invalid_argument", "agent");
    assertError(send("PATCH", "/v1/watch", null, null), 405, "method_not_allowed", null);
    // what Jetty refuses itself, and what no HTTP client would send, still gets the error body
    assertError(get("/v1/agents/a%00b"), 400, "invalid_argument", null);
    assertError(raw(url, "GET /v1/agents/x%u0041 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"), 400, "invalid_argument", null);
    assertError(raw(url, "GET /v1/resolve?subject=s%zz HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"),
        400, "invalid_argument", "subject");
    assertError(raw(url, "POST /v1/assertions HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"), 400, "invalid_argument", null);
    assertError(raw(url, "GET * HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"), 400, "invalid_argument", null);

    assertThat(root()).isEqualTo(root);
  }

  Reply sendBytes(String url, String method, String path, byte[] body, boolean chunked) throws Exception {
    HttpRequest.BodyPublisher publisher = chunked
        ? HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)) // no length: chunked
        : HttpRequest.BodyPublishers.ofByteArray(body);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json").method(method, publisher).build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), Json.MAPPER.readTree(r.body()), r);
  }

  /** Sends {@code request} over a socket as written, and parses the status and the JSON body of the answer. */
  static Reply raw(String url, String request) throws Exception {
    URI u = URI.create(url);
    try (java.net.Socket s = new java.net.Socket(u.getHost(), u.getPort())) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      s.shutdownOutput();
      String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      int status = Integer.parseInt(answer.split(" ", 3)[1]);
      return new Reply(status, Json.MAPPER.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4)), null);
    }
  }

  @Test
  void retractionsVotesAgentsEpochsAndHistory() throws Exception {
    Reply claim = post("/v1/assertions", "{\"subject\":\"h:1\",\"predicate\":\"p\",\"value\":1,\"agent\":\"owner\"}");
    String id = claim.body().get("id").asText();

    // retractions: ownership first, unknown ids, then created, then a no-op
    assertError(post("/v1/retractions", "{\"assertionId\":\"" + id + "\",\"agent\":\"intruder\"}"), 403, "permission_denied", null);
    assertError(post("/v1/retractions", "{\"assertionId\":\"" + "a".repeat(64) + "\",\"agent\":\"owner\"}"), 404, "not_found", null);
    assertError(post("/v1/retractions", "{\"assertionId\":\"short\",\"agent\":\"owner\"}"), 400, "invalid_argument", "assertionId");
    // votes before the retraction: a self-vote is invalid; endorse, again (no-op), then dispute
    assertError(post("/v1/votes", "{\"assertionId\":\"" + id + "\",\"agent\":\"owner\",\"stance\":\"endorse\"}"), 400, "invalid_argument", null);
    assertError(post("/v1/votes", "{\"assertionId\":\"" + id + "\",\"agent\":\"v\",\"stance\":\"meh\"}"), 400, "invalid_argument", "stance");
    assertThat(post("/v1/votes", "{\"assertionId\":\"" + id + "\",\"agent\":\"v\",\"stance\":\"endorse\"}").status()).isEqualTo(201);
    assertThat(post("/v1/votes", "{\"assertionId\":\"" + id + "\",\"agent\":\"v\",\"stance\":\"endorse\"}").status()).isEqualTo(200);
    assertThat(post("/v1/votes", "{\"assertionId\":\"" + id + "\",\"agent\":\"v\",\"stance\":\"dispute\"}").status()).isEqualTo(201);
    Reply retracted = post("/v1/retractions", "{\"assertionId\":\"" + id + "\",\"agent\":\"owner\"}");
    assertThat(retracted.status()).isEqualTo(201);
    Reply again = post("/v1/retractions", "{\"assertionId\":\"" + id + "\",\"agent\":\"owner\"}");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().get("index").asLong()).isEqualTo(retracted.body().get("index").asLong());
    Reply state = get("/v1/assertions/" + id);
    assertThat(state.body().get("retracted").asBoolean()).isTrue();
    assertThat(state.body().get("votes")).hasSize(2);
    assertError(get("/v1/resolve?subject=h:1&predicate=p"), 404, "not_found", null);

    // agents
    assertError(get("/v1/agents/nobody"), 404, "not_found", null);
    Reply put = send("PUT", "/v1/admin/agents/crm2", "application/json", "{\"authority\":5,\"description\":\"the CRM\"}");
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.body().get("changed").asBoolean()).isTrue();
    Reply same = send("PUT", "/v1/admin/agents/crm2", "application/json", "{\"authority\":5,\"description\":\"the CRM\"}");
    assertThat(same.body().get("changed").asBoolean()).isFalse();
    assertThat(same.body().get("index").asLong()).isEqualTo(put.body().get("index").asLong());
    assertError(send("PUT", "/v1/admin/agents/crm2", "application/json", "{\"authority\":-1}"), 400, "invalid_argument", "authority");
    assertError(send("PUT", "/v1/admin/agents/bad%20name", "application/json", "{\"authority\":1}"), 400, "invalid_argument", "agent");
    assertThat(get("/v1/agents/crm2").body().get("authority").asDouble()).isEqualTo(5.0);
    assertThat(get("/v1/agents").body().get("agents").findValuesAsText("agent")).contains("crm2");

    // epochs: a retry with the same Idempotency-Key opens nothing more
    HttpRequest.Builder epoch = HttpRequest.newBuilder(URI.create(base() + "/v1/admin/epochs"))
        .header("Content-Type", "application/json").header("Idempotency-Key", "k-1")
        .POST(HttpRequest.BodyPublishers.ofString("{\"subject\":\"h:2\",\"reason\":\"migration\"}"));
    HttpResponse<String> opened = http.send(epoch.build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> retried = http.send(epoch.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(opened.statusCode()).isEqualTo(201);
    assertThat(retried.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(retried.body()).get("epoch").asLong()).isEqualTo(1);
    assertThat(post("/v1/admin/epochs", "{\"subject\":\"h:2\"}").body().get("epoch").asLong()).isEqualTo(2);

    // history: pages never split a log index
    StringBuilder batch = new StringBuilder("{\"assertions\":[");
    for (int i = 0; i < 5; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"subject\":\"h:3\",\"predicate\":\"p\",\"value\":").append(i).append(",\"agent\":\"a\"}");
    }
    post("/v1/assertions", batch.append("]}").toString());
    post("/v1/assertions", "{\"subject\":\"h:3\",\"predicate\":\"q\",\"value\":9,\"agent\":\"a\"}");
    Reply page1 = get("/v1/assertions?subject=h:3&limit=3");
    assertThat(page1.body().get("items")).hasSize(5);
    long next = page1.body().get("nextAfterIndex").asLong();
    Reply page2 = get("/v1/assertions?subject=h:3&limit=3&afterIndex=" + next);
    assertThat(page2.body().get("items")).hasSize(1);
    assertThat(page2.body().get("nextAfterIndex").isNull()).isTrue();
    assertThat(get("/v1/assertions?subject=h:3&predicate=q").body().get("items")).hasSize(1);
    assertError(get("/v1/assertions?subject=h:3&limit=0"), 400, "invalid_argument", "limit");
  }

  @Test
  void adminMembersValidateMerkleSnapshotAndLeadership() throws Exception {
    Reply members = get("/v1/admin/cluster/members");
    assertThat(members.body().get("members")).hasSize(3);
    assertThat(members.body().get("members").findValuesAsText("role")).containsOnlyOnce("primary");
    Reply validate = get("/v1/admin/cluster/validate");
    assertThat(validate.body().get("primaries").asInt()).isEqualTo(1);
    assertThat(validate.body().get("ok").asBoolean()).isTrue();

    post("/v1/assertions", "{\"subject\":\"m:1\",\"predicate\":\"p\",\"value\":1,\"agent\":\"a\"}");
    Reply merkle = get("/v1/admin/merkle?buckets=true");
    assertThat(merkle.body().get("root").asText()).hasSize(64);
    assertThat(merkle.body().get("assertions").asLong()).isPositive();
    assertThat(merkle.body().get("buckets").size()).isPositive();
    assertThat(get("/v1/admin/merkle").body().has("buckets")).isFalse();
    assertError(get("/v1/admin/merkle?buckets=maybe"), 400, "invalid_argument", "buckets");

    Reply snapshot = send("POST", "/v1/admin/snapshot", null, null);
    assertThat(snapshot.status()).isEqualTo(200);
    assertThat(snapshot.body().get("index").asLong()).isPositive();

    Reply priority = send("PUT", "/v1/admin/cluster/members/n3/priority", "application/json", "{\"priority\":2}");
    assertThat(priority.status()).isEqualTo(200);
    assertError(send("PUT", "/v1/admin/cluster/members/n9/priority", "application/json", "{\"priority\":2}"), 404, "not_found", null);
    assertError(post("/v1/admin/cluster/members", "{\"id\":\"n1\",\"raftAddress\":\"127.0.0.1:1\"}"), 409, "conflict", "id");
    assertError(post("/v1/admin/cluster/members", "{\"id\":\"n7\",\"raftAddress\":\"nowhere\"}"), 400, "invalid_argument", "raftAddress");
    assertError(post("/v1/admin/cluster/transfer-leadership", "{\"to\":\"n9\"}"), 400, "invalid_argument", "to");
    // n3 now has the highest priority: it becomes the leader, and a transfer to n1 moves it back
    awaitLeader("n3");
    assertThat(post("/v1/admin/cluster/transfer-leadership", "{\"to\":\"n1\"}").status()).isIn(200, 503);
    assertThat(send("PUT", "/v1/admin/cluster/members/n3/priority", "application/json", "{\"priority\":0}").status()).isEqualTo(200);
    assertThat(send("POST", "/v1/admin/cluster/demote", null, null).status()).isEqualTo(200);
    assertThat(post("/v1/assertions", "{\"subject\":\"m:2\",\"predicate\":\"p\",\"value\":1,\"agent\":\"a\"}").status())
        .as("writes go on after the leadership moved").isEqualTo(201);
  }

  void awaitLeader(String id) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      Reply s = get("/v1/admin/cluster/status");
      if (s.status() == 200 && s.body().path("leader").path("id").asText().equals(id)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(id + " did not become the leader");
  }

  @Test
  void votesMoveConsensusAndANewEpochStartsFromNothing() throws Exception {
    String subject = "v:" + System.nanoTime();
    String claim = "{\"subject\":\"" + subject + "\",\"predicate\":\"p\",\"value\":\"%s\",\"agent\":\"%s\","
        + "\"observedAt\":\"2026-11-0%dT10:00:00Z\"}";
    String a = post("/v1/assertions", String.format(claim, "A", "s1", 1)).body().get("id").asText();
    post("/v1/assertions", String.format(claim, "B", "s2", 2));
    post("/v1/assertions", String.format(claim, "B", "s3", 3));
    // two sources say B: consensus picks B
    assertThat(get("/v1/resolve?subject=" + subject + "&predicate=p&lens=consensus").body().get("value").asText()).isEqualTo("B");
    // a voter with authority 3 endorses A: A's support 1 + 3 = 4 beats B's 2
    assertThat(send("PUT", "/v1/admin/agents/voter3", "application/json", "{\"authority\":3}").status()).isEqualTo(200);
    Reply voted = post("/v1/votes", "{\"assertionId\":\"" + a + "\",\"agent\":\"voter3\",\"stance\":\"endorse\"}");
    Reply consensus = get("/v1/resolve?subject=" + subject + "&predicate=p&lens=consensus&minIndex=" + voted.body().get("index").asLong());
    assertThat(consensus.body().get("value").asText()).isEqualTo("A");
    assertThat(consensus.body().get("values").get(0).get("support").decimalValue()).isEqualByComparingTo("4");
    // ... and disputing it instead takes 3 away: A at -2 loses again
    Reply disputed = post("/v1/votes", "{\"assertionId\":\"" + a + "\",\"agent\":\"voter3\",\"stance\":\"dispute\"}");
    assertThat(get("/v1/resolve?subject=" + subject + "&predicate=p&lens=consensus&minIndex=" + disputed.body().get("index").asLong())
        .body().get("value").asText()).isEqualTo("B");

    // a new epoch: reads default to it (nothing there yet), the old one stays readable
    Reply opened = post("/v1/admin/epochs", "{\"subject\":\"" + subject + "\",\"reason\":\"re-import\"}");
    assertThat(opened.body().get("epoch").asLong()).isEqualTo(1);
    assertError(get("/v1/resolve?subject=" + subject + "&predicate=p&minIndex=" + opened.body().get("index").asLong()), 404, "not_found", null);
    assertThat(get("/v1/resolve?subject=" + subject + "&predicate=p&epoch=0").body().get("value").asText()).isEqualTo("B");
    Reply fresh = post("/v1/assertions", String.format(claim, "C", "s1", 4));
    assertThat(fresh.body().get("epoch").asLong()).isEqualTo(1);
    Reply now = get("/v1/resolve?subject=" + subject + "&predicate=p&minIndex=" + fresh.body().get("index").asLong());
    assertThat(now.body().get("value").asText()).isEqualTo("C");
    assertThat(now.body().get("epoch").asLong()).isEqualTo(1);
  }

  @Test
  void rateLimitsAnswer429WithRetryAfterAndChangeLive() throws Exception {
    String url = base();
    String agent = "limited-" + System.nanoTime();
    Reply set = sendTo(url, "POST", "/v1/admin/rate-limit", "application/json",
        "{\"agent\":\"" + agent + "\",\"perSecond\":2}");
    assertThat(set.status()).isEqualTo(200);
    assertThat(set.body().get("agents").get(agent).asLong()).isEqualTo(2);
    String batch = "{\"assertions\":[" + ("{\"subject\":\"r\",\"predicate\":\"p\",\"value\":1,\"agent\":\"" + agent + "\"},").repeat(2)
        + "{\"subject\":\"r\",\"predicate\":\"p\",\"value\":2,\"agent\":\"" + agent + "\"}]}";
    Reply limited = sendTo(url, "POST", "/v1/assertions", "application/json", batch); // 3 claims > 2 per second
    assertError(limited, 429, "rate_limited", null);
    assertThat(limited.header("Retry-After")).isNotNull();
    assertThat(Integer.parseInt(limited.header("Retry-After"))).isPositive();
    assertError(sendTo(url, "POST", "/v1/admin/rate-limit", "application/json", "{\"agent\":\"x\",\"perSecond\":0}"),
        400, "invalid_argument", "perSecond");
    assertThat(sendTo(url, "POST", "/v1/admin/rate-limit", "application/json", "{}").body().get("agentDefaultPerSecond").asLong())
        .isPositive();
  }

  /** Reads SSE events (id, event, data) until {@code count} arrived or the time runs out. */
  List<String[]> watch(String query, String lastEventId, int count) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + "/v1/watch?" + query))
        .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(20));
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<java.util.stream.Stream<String>> r = http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(r.statusCode()).isEqualTo(200);
    List<String[]> events = new ArrayList<>();
    String[] current = new String[3];
    var lines = r.body().iterator();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (events.size() < count && System.nanoTime() < deadline && lines.hasNext()) {
      String line = lines.next();
      if (line.startsWith("id:")) {
        current[0] = line.substring(3).trim();
      } else if (line.startsWith("event:")) {
        current[1] = line.substring(6).trim();
      } else if (line.startsWith("data:")) {
        current[2] = line.substring(5).trim();
      } else if (line.isEmpty() && current[2] != null) {
        events.add(current);
        current = new String[3];
      }
    }
    r.body().close();
    return events;
  }

  @Test
  void watchStreamsChangesInIndexOrderAndResumesFromAnIndexWithoutLoss() throws Exception {
    String subject = "w:" + System.nanoTime();
    Reply a = post("/v1/assertions", "{\"subject\":\"" + subject + "\",\"predicate\":\"p\",\"value\":1,\"agent\":\"a\"}");
    post("/v1/assertions", "{\"subject\":\"other\",\"predicate\":\"p\",\"value\":1,\"agent\":\"a\"}");
    Reply b = post("/v1/assertions", "{\"assertions\":[{\"subject\":\"" + subject + "\",\"predicate\":\"p\",\"value\":2,\"agent\":\"b\"},"
        + "{\"subject\":\"" + subject + "\",\"predicate\":\"q\",\"value\":3,\"agent\":\"b\"}]}");
    String id = a.body().get("id").asText();
    post("/v1/votes", "{\"assertionId\":\"" + id + "\",\"agent\":\"b\",\"stance\":\"dispute\"}");
    post("/v1/admin/epochs", "{\"subject\":\"" + subject + "\",\"reason\":\"r\"}");

    List<String[]> all = watch("subject=" + subject, null, 5);
    assertThat(all).extracting(e -> e[1]).containsExactly("assertion", "assertion", "assertion", "vote", "epoch");
    List<Long> ids = all.stream().map(e -> Long.parseLong(e[0])).toList();
    assertThat(ids).isSorted();
    assertThat(Json.MAPPER.readTree(all.get(0)[2]).get("id").asText()).isEqualTo(id);

    // resume from the batch's index: both of its claims come again, then what followed
    long batchIndex = b.body().get("index").asLong();
    List<String[]> resumed = watch("subject=" + subject + "&fromIndex=" + batchIndex, null, 4);
    assertThat(resumed).extracting(e -> Long.parseLong(e[0])).first().isEqualTo(batchIndex);
    assertThat(resumed).hasSize(4);
    // a reconnect's Last-Event-ID does the same
    assertThat(watch("subject=" + subject, Long.toString(batchIndex), 4)).hasSize(4);
    // a predicate narrows it, and later writes arrive live
    List<String[]> live = new ArrayList<>();
    Thread t = new Thread(() -> {
      try {
        live.addAll(watch("subject=" + subject + "&predicate=q&fromIndex=" + (batchIndex + 1), null, 2));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    t.start();
    Thread.sleep(500);
    post("/v1/assertions", "{\"subject\":\"" + subject + "\",\"predicate\":\"q\",\"value\":4,\"agent\":\"c\"}");
    t.join(20_000);
    // the epoch opening concerns every predicate of the subject; then the new claim on q arrives live
    assertThat(live).extracting(e -> e[1]).containsExactly("epoch", "assertion");
    assertThat(Json.MAPPER.readTree(live.get(1)[2]).get("value").asInt()).isEqualTo(4);
    assertError(send("GET", "/v1/watch?fromIndex=1", null, null), 400, "invalid_argument", "Accept");
    HttpResponse<String> noSubject = http.send(HttpRequest.newBuilder(URI.create(base() + "/v1/watch?fromIndex=1"))
        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(noSubject.statusCode()).isEqualTo(400);
    assertThat(noSubject.body()).contains("\"field\":\"subject\"");
  }

  @Test
  void healthReadinessAndClusterStatus() throws Exception {
    assertThat(get("/health").status()).isEqualTo(200);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Reply ready = get("/ready");
    while (ready.status() != 200 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      ready = get("/ready");
    }
    assertThat(ready.status()).isEqualTo(200);
    Reply status = get("/v1/admin/cluster/status");
    assertThat(status.status()).isEqualTo(200);
    assertThat(status.body().get("role").asText()).isEqualTo("replica");
    assertThat(status.body().get("leader").get("id").asText()).startsWith("n");
    assertThat(status.body().get("peers")).hasSize(3);
    assertThat(status.body().get("commitIndex").asLong()).isPositive();
  }

  /** The node's /metrics as metric name → value, for samples without labels. */
  Map<String, Double> metrics(String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    Map<String, Double> out = new TreeMap<>();
    for (String line : r.body().split("\n")) {
      if (line.startsWith("# TYPE ")) {
        out.put("# TYPE " + line.split(" ")[2], 0.0);
      } else if (!line.startsWith("#") && !line.isBlank() && !line.contains("{")) {
        String[] parts = line.split(" ");
        out.put(parts[0], Double.parseDouble(parts[1]));
      }
    }
    return out;
  }

  @Test
  void theNodesExportExactlyTheMetricsThatDocsMetricsMdDescribes() throws Exception {
    String doc = java.nio.file.Files.readString(
        java.nio.file.Path.of("").toAbsolutePath().getParent().resolve("docs/metrics.md"));
    Set<String> documented = new TreeSet<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\| `(stemedb_[a-z_]+)` \\|").matcher(doc);
    while (m.find()) {
      documented.add(m.group(1));
    }
    post("/v1/assertions", "{\"subject\":\"metrics:1\",\"predicate\":\"p\",\"value\":1,\"agent\":\"m\"}");
    Set<String> exported = new TreeSet<>();
    for (String url : urls()) {
      Set<String> mine = new TreeSet<>();
      metrics(url).keySet().stream().filter(k -> k.startsWith("# TYPE ")).forEach(k -> mine.add(k.substring(7)));
      assertThat(mine).as("%s exports the JVM's and Ratis's metrics too", url)
          .anyMatch(n -> n.startsWith("jvm_")).anyMatch(n -> n.startsWith("ratis_log_worker_"));
      mine.stream().filter(n -> n.startsWith("stemedb_")).forEach(exported::add);
    }
    // Leader-only metrics (replication lag) appear on one node; the union is what the cluster exports.
    assertThat(exported).isEqualTo(documented);
    HttpResponse<String> text = http.send(HttpRequest.newBuilder(URI.create(urls().get(0) + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(text.body().lines().filter(l -> l.startsWith("ratis_")))
        .isNotEmpty().allMatch(l -> l.contains("member=\"") && l.contains("group=\""));
  }

  /** Every metric the alert rules and the Grafana dashboard name is one that the nodes export. */
  @Test
  void theAlertRulesAndTheDashboardNameOnlyExportedMetrics() throws Exception {
    java.nio.file.Path root = java.nio.file.Path.of("").toAbsolutePath().getParent();
    String rules = java.nio.file.Files.readString(root.resolve("deploy/prometheus/stemedb-rules.yml"));
    String dashboard = java.nio.file.Files.readString(root.resolve("deploy/grafana/stemedb.json"));
    Set<String> exported = new TreeSet<>();
    for (String url : urls()) {
      metrics(url).keySet().stream().filter(k -> k.startsWith("# TYPE ")).forEach(k -> exported.add(k.substring(7)));
    }
    java.util.regex.Pattern metric = java.util.regex.Pattern.compile("\\b((?:stemedb|jvm|process|ratis)_[a-zA-Z0-9_]+)");
    for (String[] source : new String[][] {{"stemedb-rules.yml", rules}, {"stemedb.json", dashboard}}) {
      Set<String> named = new TreeSet<>();
      java.util.regex.Matcher m = metric.matcher(source[1]);
      while (m.find()) {
        named.add(m.group(1));
      }
      assertThat(named).as("metrics named in %s", source[0]).isNotEmpty();
      // A histogram's or summary's series (x_bucket, x_sum, x_count) belong to its family x.
      assertThat(named).as("metrics named in %s that no node exports", source[0])
          .allMatch(n -> exported.contains(n) || exported.contains(n.replaceAll("_(bucket|sum|count)$", "")));
    }
  }

  @Test
  void concurrentSinglePostsToOneNodeShareRaftEntries() throws Exception {
    String via = base();
    Map<String, Double> before = metrics(via);
    int clients = 32;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
    try {
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        String body = "{\"subject\":\"group:" + i + "\",\"predicate\":\"p\",\"value\":" + i + ",\"agent\":\"gc\"}";
        replies.add(pool.submit(() -> {
          start.await();
          return sendTo(via, "POST", "/v1/assertions", "application/json", body);
        }));
      }
      start.countDown();
      for (java.util.concurrent.Future<Reply> r : replies) {
        assertThat(r.get().status()).as("%s", r.get().body()).isIn(200, 201);
      }
    } finally {
      pool.shutdownNow();
    }
    Map<String, Double> after = metrics(via);
    double requests = after.get("stemedb_group_commit_batch_requests_sum") - before.get("stemedb_group_commit_batch_requests_sum");
    double entries = after.get("stemedb_group_commit_batch_requests_count") - before.get("stemedb_group_commit_batch_requests_count");
    assertThat(requests).isEqualTo(clients);
    assertThat(entries).as("entries for %s requests", clients).isLessThan(clients);
  }
}
