package io.stemedb.tools.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The claims the benchmark writes, as request bodies built without a JSON library (every field is
 * plain ASCII we choose). A claim is ~200 bytes of JSON, like the in-process benchmark's. Subjects carry
 * a prefix unique to this benchmark process, so a run against an existing cluster never collides with
 * data already there (a re-sent claim would be a cheaper no-op and flatter the figures).
 *
 * <p>Two families: "single" claims, each on a subject of its own, and "keyed" claims, which fill K
 * (subject, predicate) keys with {@code claimsPerKey} claims each from {@value #AGENTS_PER_KEY} agents —
 * the data the resolve scenario reads. Claim n of the keyed family belongs to key n / claimsPerKey.
 */
public final class Claims {
  /** Agents that write; few, so that raising their rate limits is a handful of admin calls. */
  public static final int AGENTS = 16;
  static final int AGENTS_PER_KEY = 4;
  private static final String PAD = "x".repeat(80);

  private final String prefix;
  private final int claimsPerKey;

  public Claims(String prefix, int claimsPerKey) {
    if (claimsPerKey < 1) {
      throw new IllegalArgumentException("claims per key must be at least 1");
    }
    this.prefix = prefix;
    this.claimsPerKey = claimsPerKey;
  }

  public static List<String> agents() {
    List<String> out = new ArrayList<>(AGENTS);
    for (int i = 0; i < AGENTS; i++) {
      out.add(agent(i));
    }
    return out;
  }

  private static String agent(long i) {
    return "bench-agent-" + (i % AGENTS);
  }

  public int claimsPerKey() {
    return claimsPerKey;
  }

  /** Body of a single-claim POST: claim n on a subject of its own. */
  public byte[] single(long n) {
    return claim(new StringBuilder(224), singleSubject(n), agent(n), n).toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** The subject of single claim n (its predicate is "email"), which a read of it names. */
  public String singleSubject(long n) {
    return prefix + ":single:" + n;
  }

  /** Body of a batch POST of keyed claims [start, start + size). */
  public byte[] batch(long start, int size) {
    StringBuilder b = new StringBuilder(size * 210 + 16).append("{\"assertions\":[");
    for (long n = start; n < start + size; n++) {
      if (n > start) {
        b.append(',');
      }
      long key = n / claimsPerKey;
      int j = (int) (n % claimsPerKey);
      claim(b, subject(key), agent(key + j % AGENTS_PER_KEY), j);
    }
    return b.append("]}").toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** The subject of keyed key k (every keyed claim has predicate "email"). */
  public String subject(long key) {
    return prefix + ":key:" + key;
  }

  private static StringBuilder claim(StringBuilder b, String subject, String agent, long n) {
    // The value carries n: two claims of one agent on one key must differ, or the second is a no-op.
    return b.append("{\"subject\":\"").append(subject).append("\",\"predicate\":\"email\",\"value\":\"")
        .append(PAD).append(n).append("@example.com\",\"agent\":\"").append(agent).append("\",\"confidence\":0.9}");
  }
}
