package io.stemedb.lenses;

import io.stemedb.model.Timestamps;
import java.util.List;

/** Bits of the {@code explain.detail} sentences, so every lens writes figures the same way. */
final class Phrases {
  /** Enough of an id to tell two apart in a sentence; the full ids are in winner and runnerUp. */
  private static final int ID_CHARS = 12;
  /** Values may be 64 KiB; a sentence quotes only their start. */
  private static final int VALUE_CHARS = 60;

  private Phrases() {}

  static String observed(long epochMillis) {
    return Timestamps.format(epochMillis);
  }

  static String id(String id) {
    return id.length() <= ID_CHARS ? id : id.substring(0, ID_CHARS) + "…";
  }

  /** The canonical JSON itself (a string value keeps its quotes), shortened when long. */
  static String value(String canonicalJson) {
    if (canonicalJson.length() <= VALUE_CHARS) {
      return canonicalJson;
    }
    // Never cut a surrogate pair in half.
    int end = Character.isHighSurrogate(canonicalJson.charAt(VALUE_CHARS - 1)) ? VALUE_CHARS - 1 : VALUE_CHARS;
    return canonicalJson.substring(0, end) + "…";
  }

  /** ", both a, b and c" — what two claims share — or nothing when they share nothing worth saying. */
  static String both(List<String> shared) {
    if (shared.isEmpty()) {
      return "";
    }
    int last = shared.size() - 1;
    String head = String.join(", ", shared.subList(0, last));
    return ", both " + (head.isEmpty() ? "" : head + " and ") + shared.get(last);
  }
}
