package io.stemedb.model;

/** How a vote bears on the support of the voted claim's value. */
public enum Stance {
  ENDORSE(1),
  DISPUTE(-1);

  private final int sign;

  Stance(int sign) {
    this.sign = sign;
  }

  /** +1 for endorse, -1 for dispute. */
  public int sign() {
    return sign;
  }

  /** The API's lowercase name ({@code endorse}, {@code dispute}). */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Stance fromWireName(String name) {
    for (Stance s : values()) {
      if (s.wireName().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("stance must be endorse or dispute, not " + name);
  }
}
