package io.stemedb.model;

/**
 * The content address of a claim: lowercase hex SHA-256 of the RFC 8785 canonical JSON of
 * {@code {"agent","observedAt","predicate","subject","value"}}, {@code observedAt} in the canonical UTC
 * millisecond form. Confidence and source are not part of it, so re-sending a claim with another
 * confidence is detectable as a conflict rather than a new claim.
 */
public final class AssertionId {
  private AssertionId() {}

  /**
   * @param canonicalValue the value, already in canonical JSON form (see {@link CanonicalJson})
   */
  public static String of(
      String subject, String predicate, String canonicalValue, String agent, long observedAtMillis) {
    // Members already in JCS order (UTF-16 code-unit order of the keys) and strings escaped as JCS does,
    // so the text below is itself canonical; CanonicalJsonTest checks this against the library.
    String canonical =
        "{\"agent\":" + CanonicalJson.quote(agent)
            + ",\"observedAt\":" + CanonicalJson.quote(Timestamps.format(observedAtMillis))
            + ",\"predicate\":" + CanonicalJson.quote(predicate)
            + ",\"subject\":" + CanonicalJson.quote(subject)
            + ",\"value\":" + canonicalValue
            + "}";
    return Hashing.hex(Hashing.sha256(canonical));
  }

  /** True for 64 lowercase hex characters. */
  public static boolean isWellFormed(String id) {
    if (id == null || id.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = id.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
