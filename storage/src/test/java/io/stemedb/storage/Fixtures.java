package io.stemedb.storage;

import io.stemedb.model.Assertion;
import io.stemedb.model.CanonicalJson;
import java.util.ArrayList;
import java.util.List;

/** Small builders for tests. */
final class Fixtures {
  static final long T0 = 1_793_527_200_000L; // 2026-11-01T10:00:00Z

  private Fixtures() {}

  static Assertion claim(String subject, String predicate, String valueJson, String agent) {
    return claim(subject, predicate, valueJson, agent, 1.0, T0);
  }

  static Assertion claim(
      String subject, String predicate, String valueJson, String agent, double confidence, long at) {
    return Assertion.claim(
        subject, predicate, CanonicalJson.canonicalize(valueJson), agent, confidence, at, null);
  }

  static Change.AddClaim add(Assertion a) {
    return new Change.AddClaim(a);
  }

  /** A request adding {@code n} distinct claims, numbered from {@code from}. */
  static List<Change> batch(String prefix, int from, int n) {
    List<Change> out = new ArrayList<>(n);
    for (int i = from; i < from + n; i++) {
      out.add(add(claim("s:" + prefix + (i % 97), "p" + (i % 3), "\"v" + i + "\"", "agent" + (i % 5))));
    }
    return out;
  }
}
