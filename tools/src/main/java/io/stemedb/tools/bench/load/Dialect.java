package io.stemedb.tools.bench.load;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How one system under test spells the benchmark's two kinds of work over HTTP, so that the same
 * workers drive StemeDB and etcd with the same shape: write n stores a unique ~200-byte record under
 * key n, read n reads key n back linearizably. Only the request differs; connections, pacing and
 * timing are the scenario's.
 */
public interface Dialect {
  /** One HTTP request: GET when {@code body} is null, else a JSON POST. */
  record Call(String method, String path, byte[] body) {}

  /** "StemeDB", "etcd". */
  String name();

  /** The unique write number {@code n}. */
  Call write(long n);

  /** A linearizable read of the key that {@code write(n)} wrote. */
  Call read(long n);

  /** The reply as the tally should count it (etcd answers a read of a missing key 200 with no kvs). */
  default Http.Reply readOutcome(Http.Reply r) {
    return r;
  }

  default Http.Reply send(Http http, URI node, Call call) {
    URI uri = node.resolve(call.path());
    return call.body() == null ? http.get(uri) : http.post(uri, call.body());
  }

  /** StemeDB as api.md has it: POST /v1/assertions with one claim; GET /v1/resolve, linearizable. */
  static Dialect stemedb(Claims claims) {
    return new Dialect() {
      @Override
      public String name() {
        return "StemeDB";
      }

      @Override
      public Call write(long n) {
        return new Call("POST", "/v1/assertions", claims.single(n));
      }

      @Override
      public Call read(long n) {
        // consistency=linearizable is the default; spelled out so the request says what it measures.
        return new Call("GET", "/v1/resolve?subject=" + URLEncoder.encode(claims.singleSubject(n), StandardCharsets.UTF_8)
            + "&predicate=email&consistency=linearizable", null);
      }
    };
  }

  /**
   * etcd's v3 JSON gateway (grpc-gateway; keys and values base64): POST /v3/kv/put with the claim's
   * subject as key and the very bytes StemeDB would get as value, so both store the same ~200 bytes;
   * POST /v3/kv/range, whose default (serializable=false) is a linearizable read.
   */
  static Dialect etcd(Claims claims) {
    Base64.Encoder b64 = Base64.getEncoder();
    return new Dialect() {
      @Override
      public String name() {
        return "etcd";
      }

      @Override
      public Call write(long n) {
        String key = b64.encodeToString(claims.singleSubject(n).getBytes(StandardCharsets.UTF_8));
        String value = b64.encodeToString(claims.single(n));
        return new Call("POST", "/v3/kv/put",
            ("{\"key\":\"" + key + "\",\"value\":\"" + value + "\"}").getBytes(StandardCharsets.US_ASCII));
      }

      @Override
      public Call read(long n) {
        String key = b64.encodeToString(claims.singleSubject(n).getBytes(StandardCharsets.UTF_8));
        return new Call("POST", "/v3/kv/range", ("{\"key\":\"" + key + "\"}").getBytes(StandardCharsets.US_ASCII));
      }

      @Override
      public Http.Reply readOutcome(Http.Reply r) {
        // A found key comes back in "kvs"; without it the key is missing, which StemeDB would answer 404.
        return r.ok() && !r.text().contains("\"kvs\"") ? new Http.Reply(404, r.body(), null) : r;
      }
    };
  }
}
