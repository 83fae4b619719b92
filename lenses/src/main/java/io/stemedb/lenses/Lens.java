package io.stemedb.lenses;

import java.util.Locale;

/** The read-time rules a reader can choose to resolve conflicting claims (product brief, "Lenses"). */
public enum Lens {
  RECENCY,
  AUTHORITY,
  CONSENSUS,
  ALL;

  /** The API name: {@code recency}, {@code authority}, {@code consensus}, {@code all}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Lens fromWireName(String name) {
    for (Lens lens : values()) {
      if (lens.wireName().equals(name)) {
        return lens;
      }
    }
    throw new IllegalArgumentException("lens must be one of recency, authority, consensus, all");
  }
}
