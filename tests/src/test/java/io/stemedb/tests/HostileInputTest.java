package io.stemedb.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stemedb.tests.HostileCluster.Reply;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated hostile input against a real 3-process cluster with an admin and a writer token (issue 6,
 * point 5): malformed, truncated, mistyped, oversized, deeply nested, non-UTF-8 and control-character
 * bodies; bad query and path parameters; wrong methods, content types and tokens; raw requests no
 * client would send. Each case goes to one of the three nodes (followers forward writes) and must get
 * a 4xx with the contract's error body — never a 5xx, never a dropped connection. Rate limits are
 * raised first so no case meets a 429 instead of its own error. Afterwards every node's Merkle root is
 * the one from before the cases, and a valid write still goes through.
 *
 * <p>jqwik properties rather than Jupiter tests: each family is a generator, and a failure reports the
 * case and the seed that reproduces it. The cluster is started once, for the container.
 */
class HostileInputTest {
  private static final Map<String, AtomicInteger> SENT = new ConcurrentHashMap<>();
  private static final Map<Integer, String> CODES = Map.of(400, "invalid_argument", 401, "unauthenticated",
      403, "permission_denied", 404, "not_found", 405, "method_not_allowed", 409, "conflict", 413, "payload_too_large",
      415, "unsupported_media_type");
  private static final String CLAIM =
      "{\"subject\":\"hostile:valid\",\"predicate\":\"p\",\"value\":%d,\"agent\":\"hostile-agent\"}";

  private static HostileCluster cluster;
  private static String rootBefore;
  private static long startedNanos;

  @BeforeContainer
  static void clusterUp() throws Exception {
    startedNanos = System.nanoTime();
    cluster = HostileCluster.up();
    try {
      cluster.raiseRateLimits(RequestCases.endpoints());
      assertThat(cluster.send(HostileCase.of("setup", 1, "POST", "/v1/assertions").json(String.format(CLAIM, 1))).status())
          .as("a valid write before the hostile cases").isEqualTo(201);
      rootBefore = cluster.settledRoot();
    } catch (Exception | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  @AfterContainer
  static void sameRootThenAValidWriteThenClusterDown() throws Exception {
    try {
      if (rootBefore == null) {
        return; // the start failed; that is the failure to report
      }
      assertThat(cluster.settledRoot()).as("every node's Merkle root after all hostile cases").isEqualTo(rootBefore);
      assertThat(cluster.send(HostileCase.of("setup", 2, "POST", "/v1/assertions").json(String.format(CLAIM, 2))).status())
          .as("a valid write after the hostile cases").isEqualTo(201);
      assertThat(cluster.settledRoot()).as("the valid write changed every node's root alike").isNotEqualTo(rootBefore);
    } finally {
      cluster.close();
      Map<String, AtomicInteger> sent = new TreeMap<>(SENT);
      System.out.printf("hostile cases sent per family (%d in all, %.1f s with the cluster's start and stop; node logs in %s):%n",
          sent.values().stream().mapToInt(AtomicInteger::get).sum(), (System.nanoTime() - startedNanos) / 1e9, cluster.dir());
      sent.forEach((family, n) -> System.out.printf("  %-22s %5d%n", family, n.get()));
    }
  }

  /** Sends {@code c} and checks the answer is the refusal the contract gives it. */
  static void refused(HostileCase c) throws Exception {
    SENT.computeIfAbsent(c.family(), f -> new AtomicInteger()).incrementAndGet();
    Reply r;
    try {
      r = cluster.send(c);
    } catch (IOException e) {
      throw new AssertionError(c + ": no answer (" + e + ")", e);
    }
    String text = r.text();
    String what = c + "\n  answered " + r.status() + " " + r.headers().get("content-type") + " "
        + (text.length() > 500 ? text.substring(0, 500) + "…" : text);
    assertThat(r.status()).as(what).isBetween(400, 499).isNotEqualTo(429);
    if (c.status() != 0) {
      assertThat(r.status()).as(what).isEqualTo(c.status());
    }
    if (c.method().equals("HEAD")) {
      return; // no body to a HEAD
    }
    assertThat(r.header("Content-Type")).as(what).startsWith("application/json");
    JsonNode body = HostileCluster.JSON.readTree(r.body());
    JsonNode error = body.path("error");
    assertThat(body.size()).as(what).isEqualTo(1);
    assertThat(Set.of("code", "message", "field")).as(what).containsAll(() -> error.fieldNames());
    assertThat(error.path("code").asText()).as(what).isEqualTo(CODES.getOrDefault(r.status(), "invalid_argument"));
    assertThat(error.path("message").isTextual() && !error.path("message").asText().isBlank()).as(what).isTrue();
    if (error.has("field")) {
      assertThat(error.get("field").isTextual() && !error.get("field").asText().isEmpty()).as(what).isTrue();
    }
    if (c.field() != null) {
      assertThat(error.path("field").asText(null)).as(what).isEqualTo(c.field());
    }
  }

  @Property(tries = 500)
  void malformedJson(@ForAll("malformed") HostileCase c) throws Exception {
    refused(c);
  }

  @Property(tries = 500)
  void wrongTypes(@ForAll("mistyped") HostileCase c) throws Exception {
    refused(c);
  }

  @Property(tries = 300)
  void hugeNumbers(@ForAll("huge") HostileCase c) throws Exception {
    refused(c);
  }

  @Property(tries = 150)
  void deepNesting(@ForAll("deep") HostileCase c) throws Exception {
    refused(c);
  }

  @Property(tries = 400)
  void invalidUtf8(@ForAll("notUtf8") HostileCase c) throws Exception {
    refused(c);
  }

  @Property(tries = 400)
  void controlCharacters(@ForAll("controls") HostileCase c) throws Exception {
    refused(c);
  }

  @Property(tries = 200)
  void duplicateKeys(@ForAll("duplicates") HostileCase c) throws Exception {
    refused(c);
  }

  @Property(tries = 300)
  void unknownFields(@ForAll("unknown") HostileCase c) throws Exception {
    refused(c);
  }

  @Property(tries = 250)
  void nullAndMissingFields(@ForAll("nulls") HostileCase c) throws Exception {
    refused(c);
  }

  @Property(tries = 150)
  void emptyAndNonObjectBodies(@ForAll("empty") HostileCase c) throws Exception {
    refused(c);
  }

  @Property(tries = 12)
  void oversizedBodies(@ForAll("oversized") HostileCase c) throws Exception {
    refused(c);
  }

  @Property(tries = 25)
  void oversizedBatches(@ForAll("bigBatches") HostileCase c) throws Exception {
    refused(c);
  }

  @Property(tries = 300)
  void fieldLengths(@ForAll("tooLong") HostileCase c) throws Exception {
    refused(c);
  }

  @Property(tries = 250)
  void contentTypes(@ForAll("notJson") HostileCase c) throws Exception {
    refused(c);
  }

  @Property(tries = 600)
  void badQueryParameters(@ForAll("queries") HostileCase c) throws Exception {
    refused(c);
  }

  @Property(tries = 250)
  void badPathParameters(@ForAll("paths") HostileCase c) throws Exception {
    refused(c);
  }

  @Property(tries = 300)
  void wrongMethods(@ForAll("methods") HostileCase c) throws Exception {
    refused(c);
  }

  @Property(tries = 400)
  void badTokens(@ForAll("tokens") HostileCase c) throws Exception {
    refused(c);
  }

  @Property(tries = 300)
  void rawRequests(@ForAll("raw") HostileCase c) throws Exception {
    refused(c);
  }

  /** The one 429 the suite allows itself: it must carry the error body and Retry-After too. */
  @Example
  void aRateLimitedWriteGetsTheErrorBodyAndRetryAfter() throws Exception {
    String agent = "hostile-limited";
    cluster.admin(0, "POST", "/v1/admin/rate-limit", "{\"agent\":\"" + agent + "\",\"perSecond\":1}");
    String claim = "{\"subject\":\"hostile:429\",\"predicate\":\"p\",\"value\":%d,\"agent\":\"" + agent + "\"}";
    Reply r = cluster.send(HostileCase.of("rate limit", 0, "POST", "/v1/assertions")
        .json("{\"assertions\":[" + String.format(claim, 1) + "," + String.format(claim, 2) + "]}"));
    assertThat(r.status()).as(r.text()).isEqualTo(429);
    assertThat(Integer.parseInt(r.header("Retry-After"))).isPositive();
    assertThat(HostileCluster.JSON.readTree(r.body()).path("error").path("code").asText()).isEqualTo("rate_limited");
  }

  @Provide
  Arbitrary<HostileCase> malformed() {
    return BodyCases.malformed();
  }

  @Provide
  Arbitrary<HostileCase> mistyped() {
    return BodyCases.wrongTypes();
  }

  @Provide
  Arbitrary<HostileCase> huge() {
    return BodyCases.hugeNumbers();
  }

  @Provide
  Arbitrary<HostileCase> deep() {
    return BodyCases.deepNesting();
  }

  @Provide
  Arbitrary<HostileCase> notUtf8() {
    return BodyCases.invalidUtf8();
  }

  @Provide
  Arbitrary<HostileCase> controls() {
    return BodyCases.controlCharacters();
  }

  @Provide
  Arbitrary<HostileCase> duplicates() {
    return BodyCases.duplicateKeys();
  }

  @Provide
  Arbitrary<HostileCase> unknown() {
    return BodyCases.unknownFields();
  }

  @Provide
  Arbitrary<HostileCase> nulls() {
    return BodyCases.nullAndMissing();
  }

  @Provide
  Arbitrary<HostileCase> empty() {
    return BodyCases.emptyBodies();
  }

  @Provide
  Arbitrary<HostileCase> oversized() {
    return BodyCases.oversized();
  }

  @Provide
  Arbitrary<HostileCase> bigBatches() {
    return BodyCases.oversizedBatches();
  }

  @Provide
  Arbitrary<HostileCase> tooLong() {
    return BodyCases.fieldLengths();
  }

  @Provide
  Arbitrary<HostileCase> notJson() {
    return BodyCases.contentTypes();
  }

  @Provide
  Arbitrary<HostileCase> queries() {
    return RequestCases.queryParams();
  }

  @Provide
  Arbitrary<HostileCase> paths() {
    return RequestCases.pathParams();
  }

  @Provide
  Arbitrary<HostileCase> methods() {
    return RequestCases.wrongMethods();
  }

  @Provide
  Arbitrary<HostileCase> tokens() {
    return RequestCases.badTokens();
  }

  @Provide
  Arbitrary<HostileCase> raw() {
    return RequestCases.rawRequests();
  }
}
