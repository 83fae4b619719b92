package io.stemedb.lenses;

import java.math.BigDecimal;

/** How the module writes exact numbers, in results and in sentences. */
final class Decimals {
  private Decimals() {}

  /**
   * One representation per number (4.50 → 4.5, 0.0 → 0, 1E+1 → 10), so that equal supports are equal
   * {@link BigDecimal}s — {@code equals} compares scale — and print plainly.
   */
  static BigDecimal normalize(BigDecimal number) {
    BigDecimal stripped = number.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }

  static String plain(BigDecimal number) {
    return number.stripTrailingZeros().toPlainString();
  }

  static String plain(double number) {
    return plain(BigDecimal.valueOf(number));
  }
}
