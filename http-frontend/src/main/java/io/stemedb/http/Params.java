package io.stemedb.http;

import io.javalin.http.Context;
import io.stemedb.lenses.Lens;
import io.stemedb.model.Timestamps;
import io.stemedb.raft.Consistency;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Query parameters of reads, checked like bodies: a bad one is a 400 naming it. As in bodies, the
 * text must be well-formed (percent-encoding, UTF-8), a parameter may appear once, and numbers are
 * plain ASCII decimals (Java's parsers would also take Arabic-Indic digits, "0x1p-1" or "0.5f").
 */
final class Params {
  private static final Pattern AGENT = Pattern.compile("[A-Za-z0-9._:@-]+");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");
  private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

  private final Context ctx;

  Params(Context ctx) {
    this.ctx = ctx;
    UriText.checkQuery(ctx.queryString());
  }

  /** The one value of {@code name}, or null; a repeated parameter is ambiguous, like a duplicate key. */
  private String single(String name) {
    List<String> values = ctx.queryParams(name);
    if (values.size() > 1) {
      throw ApiException.invalid(name, "is given more than once");
    }
    return values.isEmpty() ? null : values.get(0);
  }

  String required(String name, int maxBytes) {
    String v = single(name);
    if (v == null || v.isEmpty()) {
      throw ApiException.invalid(name, "is required");
    }
    return checkedText(name, v, maxBytes);
  }

  String optional(String name, int maxBytes) {
    String v = single(name);
    return v == null ? null : checkedText(name, v, maxBytes);
  }

  private static String checkedText(String name, String v, int maxBytes) {
    if (v.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > maxBytes) {
      throw ApiException.invalid(name, "is longer than " + maxBytes + " bytes");
    }
    ClaimParser.noControlCharacters(v, name);
    return v;
  }

  Long nonNegativeLong(String name) {
    String v = single(name);
    if (v == null) {
      return null;
    }
    try {
      if (!DIGITS.matcher(v).matches()) {
        throw new NumberFormatException(v);
      }
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw ApiException.invalid(name, "must be a non-negative integer (at most " + Long.MAX_VALUE + ")");
    }
  }

  /** For consistency=stale: how long without a leader this node may still answer (default 5000 ms). */
  long maxLagMs() {
    Long v = nonNegativeLong("maxLagMs");
    return v == null ? 5000 : v;
  }

  Lens lens() {
    String v = single("lens");
    try {
      return v == null ? Lens.RECENCY : Lens.fromWireName(v);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("lens", e.getMessage());
    }
  }

  Consistency consistency() {
    String v = single("consistency");
    try {
      return v == null ? Consistency.LINEARIZABLE : Consistency.fromWireName(v);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("consistency", e.getMessage());
    }
  }

  Duration timeout() {
    Long ms = nonNegativeLong("timeoutMs");
    if (ms != null && (ms < 1 || ms > 60_000)) {
      throw ApiException.invalid("timeoutMs", "must be between 1 and 60000");
    }
    return Duration.ofMillis(ms == null ? 5000 : ms);
  }

  Long asOf() {
    String v = single("asOf");
    if (v == null) {
      return null;
    }
    try {
      return Timestamps.parse(v);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("asOf", "must be an RFC 3339 date-time such as 2026-11-01T10:00:00Z");
    }
  }

  Set<String> agents() {
    String v = single("agents");
    if (v == null) {
      return null;
    }
    Set<String> out = new LinkedHashSet<>();
    for (String a : v.split(",", -1)) {
      if (!AGENT.matcher(a).matches() || a.length() > 128) {
        throw ApiException.invalid("agents", "must be a comma-separated list of agent names ([A-Za-z0-9._:@-]+)");
      }
      out.add(a);
    }
    return out;
  }

  Double minConfidence() {
    String v = single("minConfidence");
    if (v == null) {
      return null;
    }
    try {
      if (!DECIMAL.matcher(v).matches()) {
        throw new NumberFormatException(v);
      }
      double d = Double.parseDouble(v);
      if (!(d >= 0 && d <= 1)) {
        throw ApiException.invalid("minConfidence", "must be a number between 0 and 1");
      }
      return d;
    } catch (NumberFormatException e) {
      throw ApiException.invalid("minConfidence", "must be a number between 0 and 1");
    }
  }
}
