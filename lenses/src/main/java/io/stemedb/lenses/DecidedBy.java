package io.stemedb.lenses;

/** The first criterion of a lens's order that separated the winner from the runner-up. */
public enum DecidedBy {
  ONLY_CANDIDATE("only-candidate"),
  RECENCY("recency"),
  AUTHORITY("authority"),
  CONFIDENCE("confidence"),
  SUPPORT("support"),
  ID("id");

  private final String wireName;

  DecidedBy(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
