package io.stemedb.tests;

import static io.stemedb.tests.BodyCases.NODE;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of hostile requests around the bodies: query and path parameters, methods, tokens, and
 * raw requests no HTTP client would build (bad escapes, bytes that are not UTF-8, broken framing).
 */
final class RequestCases {
  private RequestCases() {}

  /** What a query parameter accepts. */
  enum Param { SUBJECT, PREDICATE, LENS, CONSISTENCY, COUNT, LIMIT, TIMEOUT, TIME, AGENTS, CONFIDENCE, BUCKETS }

  /** A read with valid parameters to spoil (about nothing: a valid read is a 404 or an empty answer). */
  record ReadTarget(String path, Map<String, String> valid, Map<String, Param> params, Map<String, String> headers) {
    String query(Map<String, List<String>> params) {
      return params.entrySet().stream().flatMap(e -> e.getValue().stream().map(v -> encode(e.getKey()) + "=" + encode(v)))
          .collect(Collectors.joining("&"));
    }

    @Override
    public String toString() {
      return path;
    }
  }

  private static final Map<String, Param> CONSISTENCY =
      params("consistency", Param.CONSISTENCY, "maxLagMs", Param.COUNT, "timeoutMs", Param.TIMEOUT);

  static final List<ReadTarget> READS = List.of(
      new ReadTarget("/v1/resolve", Map.of("subject", "hostile:none", "predicate", "p"), merge(params(
          "subject", Param.SUBJECT, "predicate", Param.PREDICATE, "lens", Param.LENS, "minIndex", Param.COUNT,
          "asOfIndex", Param.COUNT, "asOf", Param.TIME, "epoch", Param.COUNT, "agents", Param.AGENTS,
          "minConfidence", Param.CONFIDENCE), CONSISTENCY), Map.of()),
      new ReadTarget("/v1/assertions", Map.of("subject", "hostile:none"), merge(params(
          "subject", Param.SUBJECT, "predicate", Param.PREDICATE, "afterIndex", Param.COUNT, "limit", Param.LIMIT), CONSISTENCY), Map.of()),
      new ReadTarget("/v1/assertions/" + BodyTarget.ID, Map.of(), merge(params("minIndex", Param.COUNT), CONSISTENCY), Map.of()),
      new ReadTarget("/v1/agents", Map.of(), CONSISTENCY, Map.of()),
      new ReadTarget("/v1/agents/" + BodyTarget.AGENT, Map.of(), CONSISTENCY, Map.of()),
      new ReadTarget("/v1/watch", Map.of("subject", "hostile:none"),
          params("subject", Param.SUBJECT, "predicate", Param.PREDICATE, "fromIndex", Param.COUNT), Map.of("Accept", "text/event-stream")),
      new ReadTarget("/v1/admin/merkle", Map.of(), params("buckets", Param.BUCKETS), Map.of()));

  /** A valid value, for repeating a parameter. */
  private static final Map<Param, String> VALID = Map.ofEntries(Map.entry(Param.SUBJECT, "hostile:none"),
      Map.entry(Param.PREDICATE, "p"), Map.entry(Param.LENS, "recency"), Map.entry(Param.CONSISTENCY, "linearizable"),
      Map.entry(Param.COUNT, "1"), Map.entry(Param.LIMIT, "10"), Map.entry(Param.TIMEOUT, "1000"),
      Map.entry(Param.TIME, "2026-11-01T10:00:00Z"), Map.entry(Param.AGENTS, "a,b"), Map.entry(Param.CONFIDENCE, "0.5"),
      Map.entry(Param.BUCKETS, "true"));

  private static final Arbitrary<String> WORDS = Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12);
  private static final Arbitrary<String> BAD_COUNTS = Arbitraries.oneOf(
      Arbitraries.longs().between(1, Long.MAX_VALUE).map(n -> "-" + n),
      Arbitraries.integers().between(20, 400).map(n -> BodyCases.digits(new java.util.Random(n), n)),
      Arbitraries.of("", " ", "1.5", "1e3", "+1", "-0", "0x10", " 1", "1 ", "1,2", "abc", "NaN", "Infinity", "\u0661\u0662",
          "\uff11", "9223372036854775808", "1_000", "0.0", "1L", "null", "[1]"));

  /** Values a parameter of kind {@code p} refuses. */
  static Arbitrary<String> bad(Param p) {
    return switch (p) {
      case SUBJECT -> Arbitraries.oneOf(Arbitraries.just(""), overLong(512), withControl());
      case PREDICATE -> Arbitraries.oneOf(overLong(256), withControl());
      case LENS -> Arbitraries.oneOf(WORDS, Arbitraries.of("", "RECENCY", "Recency", "recency ", " all", "consensus\u0000",
          "authority,recency", "null", "0", "all\u00a0")).filter(v -> !Set.of("recency", "authority", "consensus", "all").contains(v));
      case CONSISTENCY -> Arbitraries.oneOf(WORDS, Arbitraries.of("", "LINEARIZABLE", "Stale", "stale ", "eventual", "strong",
          "leader,stale")).filter(v -> !Set.of("linearizable", "leader", "stale").contains(v));
      case COUNT -> BAD_COUNTS;
      case LIMIT -> Arbitraries.oneOf(BAD_COUNTS, Arbitraries.just("0"), Arbitraries.integers().between(1001, Integer.MAX_VALUE).map(String::valueOf));
      case TIMEOUT -> Arbitraries.oneOf(BAD_COUNTS, Arbitraries.just("0"), Arbitraries.longs().between(60_001, Long.MAX_VALUE).map(String::valueOf));
      case TIME -> Arbitraries.oneOf(WORDS, Arbitraries.of("", "yesterday", "2026-11-01", "2026-11-01T10:00:00", "2026-13-01T00:00:00Z",
          "2026-11-01T25:00:00Z", "2026-02-30T00:00:00Z", "2026-11-01 10:00:00Z", "2026-11-01T10:00:00+25:00",
          "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "1e9", "2026-11-01T10:00:00ZZ"));
      case AGENTS -> Arbitraries.oneOf(Arbitraries.of("", ",", "a,", ",a", "a,,b", "a b", "a/b", "a;b", "\u00e4", "a".repeat(129),
          "a,b,c d", "\u0000", "a\tb"), Arbitraries.integers().between(129, 300).map("b"::repeat));
      case CONFIDENCE -> Arbitraries.of("", "-0.1", "1.01", "2", "1e3", "NaN", "Infinity", "-Infinity", "0.5f", "0.5d", "0x1p-1",
          " 0.5", "0.5 ", "abc", "1e999999", ".5", "5.", "+0.5", "0,5", "\u0660.5", "0.5e", "1/2");
      case BUCKETS -> Arbitraries.oneOf(WORDS.filter(v -> !v.equals("true") && !v.equals("false")),
          Arbitraries.of("", "TRUE", "1", "yes", "true ", "false\u0000", "true,false"));
    };
  }

  private static Arbitrary<String> overLong(int max) {
    return Combinators.combine(Arbitraries.integers().between(1, 200), Arbitraries.of("s", "\u00e9", "\u20ac", "\ud83d\ude00"))
        .as((over, unit) -> unit.repeat((max + over) / unit.getBytes(StandardCharsets.UTF_8).length + 1));
  }

  private static Arbitrary<String> withControl() {
    return Combinators.combine(WORDS, Arbitraries.oneOf(Arbitraries.chars().range('\u0000', '\u001f'), Arbitraries.just('\u007f'),
        Arbitraries.chars().range('\u0080', '\u009f'))).as((w, c) -> w + c);
  }

  /** One parameter of a read given a bad value, given twice, or (the subject) left out. */
  static Arbitrary<HostileCase> queryParams() {
    Arbitrary<HostileCase> spoiledParams = Arbitraries.of(READS).flatMap(t -> Arbitraries.of(new ArrayList<>(t.params().keySet())).flatMap(name -> {
      Param kind = t.params().get(name);
      Arbitrary<Map<String, List<String>>> spoiled = Arbitraries.frequencyOf(
          Tuple.of(6, bad(kind).map(v -> with(t, name, List.of(v)))),
          Tuple.of(2, bad(kind).map(v -> with(t, name, List.of(VALID.get(kind), v)))),
          Tuple.of(1, Arbitraries.just(with(t, name, List.of(VALID.get(kind), VALID.get(kind))))),
          Tuple.of(1, Arbitraries.just(kind == Param.SUBJECT ? with(t, name, List.of()) : with(t, name, List.of("", "")))));
      return Combinators.combine(NODE, spoiled).as((node, params) -> {
        HostileCase c = HostileCase.of("bad query parameters", node, "GET", t.path() + "?" + t.query(params)).expect(400, name);
        for (Map.Entry<String, String> h : t.headers().entrySet()) {
          c = c.header(h.getKey(), h.getValue());
        }
        return c;
      });
    }));
    // a watch is only a stream for a client that asks for one
    Arbitrary<HostileCase> noEventStream = Combinators.combine(NODE, Arbitraries.of("", "application/json", "text/*", "*/*", "text/html"))
        .as((node, accept) -> {
          HostileCase c = HostileCase.of("bad query parameters", node, "GET", "/v1/watch?subject=hostile:none").expect(400, "Accept");
          return accept.isEmpty() ? c : c.header("Accept", accept);
        });
    return Arbitraries.frequencyOf(Tuple.of(30, spoiledParams), Tuple.of(1, noEventStream));
  }

  private static Map<String, List<String>> with(ReadTarget t, String name, List<String> values) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    t.valid().forEach((k, v) -> params.put(k, List.of(v)));
    params.remove(name);
    if (!values.isEmpty()) {
      params.put(name, values);
    }
    return params;
  }

  /** Ids and agent names in paths that are not ids or agent names. */
  static Arbitrary<HostileCase> pathParams() {
    Arbitrary<String> badIds = Arbitraries.oneOf(
        Arbitraries.strings().withChars("0123456789abcdef").ofMinLength(0).ofMaxLength(63).filter(s -> !s.isEmpty()),
        Arbitraries.strings().withChars("0123456789abcdef").ofMinLength(65).ofMaxLength(200),
        Arbitraries.strings().withChars("0123456789ABCDEF").ofLength(64).filter(s -> !s.equals(s.toLowerCase())),
        Arbitraries.strings().withChars("ghijxyz-_.~").ofLength(64),
        Arbitraries.of("0".repeat(63) + "g", " " + "0".repeat(63), "0".repeat(64) + " ", "\u00e9".repeat(32), "null", "-1"));
    Arbitrary<String> badAgents = Arbitraries.oneOf(
        Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(20).filter(s -> !s.matches("[A-Za-z0-9._:@-]+")),
        Arbitraries.integers().between(129, 600).map("a"::repeat),
        Arbitraries.of("a b", "\u00e4", "a\u007fb", "a\u0085b", "\ud83d\ude00", "a/b", "a\\b", "a%b", "a?b", "a#b"));
    Arbitrary<HostileCase> ids = Combinators.combine(NODE, badIds).as((node, id) ->
        HostileCase.of("bad path parameters", node, "GET", "/v1/assertions/" + encodePath(id)).expect(400, "id"));
    Arbitrary<HostileCase> readAgents = Combinators.combine(NODE, badAgents).as((node, a) ->
        HostileCase.of("bad path parameters", node, "GET", "/v1/agents/" + encodePath(a)).expect(400, "agent"));
    Arbitrary<HostileCase> putAgents = Combinators.combine(NODE, badAgents).as((node, a) ->
        HostileCase.of("bad path parameters", node, "PUT", "/v1/admin/agents/" + encodePath(a)).json("{\"authority\":1}").expect(400, "agent"));
    // members: anything but n1..n3 is not a member (404); the x- prefix keeps every generated id away from them
    Arbitrary<HostileCase> members = Combinators.combine(NODE, badAgents.map(a -> "x-" + a), Arbitraries.of(true, false)).as((node, id, delete) ->
        delete ? HostileCase.of("bad path parameters", node, "DELETE", "/v1/admin/cluster/members/" + encodePath(id)).expect(404, null)
            : HostileCase.of("bad path parameters", node, "PUT", "/v1/admin/cluster/members/" + encodePath(id) + "/priority")
                .json("{\"priority\":1}").expect(404, null));
    return Arbitraries.oneOf(ids, readAgents, putAgents, members);
  }

  /** Every route and the methods it does not serve. */
  private static final Map<String, Set<String>> ROUTES = Map.ofEntries(
      Map.entry("/v1/assertions", Set.of("GET", "POST")), Map.entry("/v1/retractions", Set.of("POST")),
      Map.entry("/v1/votes", Set.of("POST")), Map.entry("/v1/admin/agents/" + BodyTarget.AGENT, Set.of("PUT")),
      Map.entry("/v1/admin/epochs", Set.of("POST")), Map.entry("/v1/resolve", Set.of("GET")),
      Map.entry("/v1/assertions/" + BodyTarget.ID, Set.of("GET")), Map.entry("/v1/agents", Set.of("GET")),
      Map.entry("/v1/agents/" + BodyTarget.AGENT, Set.of("GET")), Map.entry("/v1/watch", Set.of("GET")),
      Map.entry("/v1/admin/cluster/status", Set.of("GET")), Map.entry("/v1/admin/cluster/members", Set.of("GET", "POST")),
      Map.entry("/v1/admin/cluster/members/n9", Set.of("DELETE")), Map.entry("/v1/admin/cluster/members/n9/priority", Set.of("PUT")),
      Map.entry("/v1/admin/cluster/validate", Set.of("GET")), Map.entry("/v1/admin/cluster/transfer-leadership", Set.of("POST")),
      Map.entry("/v1/admin/cluster/demote", Set.of("POST")), Map.entry("/v1/admin/snapshot", Set.of("POST")),
      Map.entry("/v1/admin/merkle", Set.of("GET")), Map.entry("/v1/admin/rate-limit", Set.of("POST")),
      Map.entry("/health", Set.of("GET")), Map.entry("/ready", Set.of("GET")));

  static List<String> endpoints() {
    List<String> out = new ArrayList<>();
    ROUTES.forEach((path, methods) -> methods.forEach(m -> out.add(m + " " + path
        .replace(BodyTarget.AGENT, "{agent}").replace(BodyTarget.ID, "{id}").replace("/n9", "/{id}"))));
    return out;
  }

  /** A method a route does not serve: 405 (HEAD is answered for every GET route, so it is wrong only elsewhere). */
  static Arbitrary<HostileCase> wrongMethods() {
    Arbitrary<String> methods = Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "HEAD", "PROPFIND", "FOO");
    return Combinators.combine(Arbitraries.of(new ArrayList<>(ROUTES.keySet())), methods, NODE, Arbitraries.of(true, false))
        .as((path, method, node, withBody) -> {
          Set<String> allowed = ROUTES.get(path);
          if (allowed.contains(method) || (method.equals("HEAD") && allowed.contains("GET"))) {
            method = allowed.contains("PATCH") ? "FOO" : "PATCH";
          }
          HostileCase c = HostileCase.of("wrong methods", node, method, path).expect(405, null);
          boolean bodyAllowed = Set.of("POST", "PUT", "PATCH", "DELETE", "FOO", "PROPFIND").contains(method);
          return withBody && bodyAllowed ? c.json("{}") : c;
        });
  }

  /** Requests that need a token, without a valid one (401), or with the writer's on an admin route (403). */
  static Arbitrary<HostileCase> badTokens() {
    String w = HostileCluster.WRITER_TOKEN;
    String a = HostileCluster.ADMIN_TOKEN;
    Arbitrary<String> headers = Arbitraries.oneOf(
        Arbitraries.of("", "Bearer", "Bearer ", "Bearer  ", "Basic " + Base64.getEncoder().encodeToString((w + ":" + a).getBytes(StandardCharsets.UTF_8)),
            "Token " + w, w, "Bearer" + w, "Bearer:" + w, "Bearer\t" + w, "Bearer " + w.toUpperCase(), "Bearer " + w + "x",
            "Bearer x" + w, "Bearer " + w.substring(1), "Bearer " + a.substring(0, a.length() - 1), "Bearer " + w + ", Bearer " + a,
            "Bearer " + w + " " + a, "Bearer \"" + w + "\"", "Digest username=\"x\"", "Bearer Bearer " + w),
        Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/=").ofMinLength(1).ofMaxLength(80)
            .map(t -> "Bearer " + t),
        Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(40));
    List<String[]> guarded = new ArrayList<>();
    for (BodyTarget t : BodyTarget.ALL) {
      guarded.add(new String[] {t.method(), t.path(), t.kinds().isEmpty() ? "{}" : t.validBody()});
    }
    for (String path : List.of("/v1/admin/cluster/status", "/v1/admin/cluster/members", "/v1/admin/cluster/validate", "/v1/admin/merkle")) {
      guarded.add(new String[] {"GET", path, null});
    }
    guarded.add(new String[] {"DELETE", "/v1/admin/cluster/members/n9", null});
    Arbitrary<String> header = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just((String) null)), Tuple.of(12, headers),
        Tuple.of(3, Arbitraries.just("Bearer " + w)));
    return Combinators.combine(Arbitraries.of(guarded), NODE, header).as((g, node, auth) -> {
      boolean admin = g[1].startsWith("/v1/admin/");
      if (auth != null && auth.equals("Bearer " + w) && !admin) {
        auth = "Bearer " + w + "-not"; // the writer's token is valid on writes
      }
      boolean writerOnAdmin = auth != null && auth.equals("Bearer " + w);
      HostileCase c = HostileCase.of("bad tokens", node, g[0], g[1]).authorization(auth)
          .expect(writerOnAdmin ? 403 : 401, null);
      return g[2] == null ? c : c.json(g[2]);
    });
  }

  /** Requests written by hand: bad escapes and non-UTF-8 in queries and paths, bytes no URI may hold, broken framing. */
  static Arbitrary<HostileCase> rawRequests() {
    Arbitrary<String[]> badEscapes = Arbitraries.of(new String[] {"%", null}, new String[] {"%4", null}, new String[] {"%zz", null},
        new String[] {"%G0", null}, new String[] {"%%", null}, new String[] {"%u0041", null}, new String[] {"%FF", null},
        new String[] {"%C0%80", null}, new String[] {"%C0%AF", null}, new String[] {"%ED%A0%80", null},
        new String[] {"%F4%90%80%80", null}, new String[] {"%E2%82", null}, new String[] {"%80", null}, new String[] {"%F8%88%80%80%80", null});
    Arbitrary<HostileCase> inQuery = Combinators.combine(NODE, Arbitraries.of(READS).filter(t -> !t.params().isEmpty()), badEscapes,
        Arbitraries.integers().between(0, 1000), Arbitraries.of(true, false)).as((node, t, esc, k, inName) -> {
          List<String> names = new ArrayList<>(t.params().keySet());
          String name = names.get(k % names.size());
          Map<String, String> params = new LinkedHashMap<>();
          t.valid().forEach((n, v) -> params.put(n, encode(v)));
          String query;
          String field;
          if (inName) {
            query = params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"))
                + (params.isEmpty() ? "" : "&") + "x" + esc[0] + "=1";
            field = "x" + esc[0]; // a name that does not decode is named as sent
          } else {
            params.put(name, "v" + esc[0]);
            query = params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
            field = name;
          }
          String head = "GET " + t.path() + "?" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth(t.path())
              + t.headers().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue() + "\r\n").collect(Collectors.joining());
          return HostileCase.raw("raw requests", node, head + "Connection: close\r\n\r\n", 400, field);
        });
    Arbitrary<HostileCase> inPath = Combinators.combine(NODE, Arbitraries.of("/v1/agents/", "/v1/assertions/", "/v1/admin/agents/",
        "/v1/admin/cluster/members/"), badEscapes, Arbitraries.of("%00", "%01", "%1F", "%7F", "")).as((node, prefix, esc, ctl) -> {
          String method = prefix.equals("/v1/admin/agents/") ? "PUT" : prefix.equals("/v1/admin/cluster/members/") ? "DELETE" : "GET";
          String body = method.equals("PUT") ? "{\"authority\":1}" : "";
          String head = method + " " + prefix + "x" + ctl + esc[0] + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth(prefix)
              + (body.isEmpty() ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n");
          // Jetty refuses the URI (400), or the handler the decoded name (400), or it names no member (404)
          return HostileCase.raw("raw requests", node, head + "Connection: close\r\n\r\n" + body, 0, null);
        });
    Arbitrary<HostileCase> framing = Combinators.combine(NODE, Arbitraries.integers().between(0, 9), Arbitraries.integers().between(8, 64))
        .as((node, kind, n) -> {
          String post = "POST /v1/assertions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + HostileCluster.WRITER_TOKEN
              + "\r\nContent-Type: application/json\r\n";
          String claim = BodyCases.target("claim").validBody();
          String request = switch (kind) {
            case 0 -> post + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n";
            case 1 -> post + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + Integer.toHexString(claim.length() + n)
                + "\r\n" + claim + "\r\n0\r\n\r\n"; // a chunk shorter than it says, even with the 7 bytes that follow it
            case 2 -> post + "Content-Length: 2\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{}";
            case 3 -> post + "Content-Length: -" + n + "\r\nConnection: close\r\n\r\n{}";
            case 4 -> post + "Transfer-Encoding: gzip\r\nConnection: close\r\n\r\n{}";
            case 5 -> post + "Transfer-Encoding: chunked\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
            case 6 -> "GET /v1/resolve?subject=a" + " ".repeat(n) + "b HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
            case 7 -> "GET /v1/resolve?subject=" + "s".repeat(8192 + n * 100) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
            case 8 -> "GET /v1/agents HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "h".repeat(8192 + n * 100) + "\r\nConnection: close\r\n\r\n";
            default -> "GET /v1/agents HTTP/1.1\r\nHost: 127.0.0.1\r\nNo colon here\r\nConnection: close\r\n\r\n";
          };
          return HostileCase.raw("raw requests", node, request, 0, null);
        });
    Arbitrary<HostileCase> bytes = Combinators.combine(NODE, Arbitraries.integers().between(0x00, 0xff)
        .filter(b -> (b < 0x21 || b > 0x7e) && b != '\r' && b != '\n'))
        .as((node, b) -> HostileCase.raw("raw requests", node,
            "GET /v1/resolve?subject=a" + (char) b.intValue() + "b HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 0, null));
    return Arbitraries.frequencyOf(Tuple.of(4, inQuery), Tuple.of(2, inPath), Tuple.of(2, framing), Tuple.of(1, bytes));
  }

  private static String auth(String path) {
    return "Authorization: " + HostileCase.defaultAuthorization(path) + "\r\n";
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Percent-encodes everything but unreserved characters, so any text is one path segment. */
  static String encodePath(String s) {
    return encode(s).replace("+", "%20");
  }

  private static Map<String, Param> params(Object... nameKind) {
    Map<String, Param> m = new LinkedHashMap<>();
    for (int i = 0; i < nameKind.length; i += 2) {
      m.put((String) nameKind[i], (Param) nameKind[i + 1]);
    }
    return m;
  }

  private static Map<String, Param> merge(Map<String, Param> a, Map<String, Param> b) {
    Map<String, Param> m = new LinkedHashMap<>(a);
    m.putAll(b);
    return m;
  }
}
