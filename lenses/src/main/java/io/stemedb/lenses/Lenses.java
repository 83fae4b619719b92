package io.stemedb.lenses;

import java.math.BigDecimal;
import java.util.Optional;

/** Entry point: resolve one (subject, predicate) through a lens. Pure; safe from any thread. */
public final class Lenses {
  /** {@code lenses.default_authority}: the authority of an agent never configured. */
  public static final BigDecimal DEFAULT_AUTHORITY = BigDecimal.ONE;

  private Lenses() {}

  /**
   * @return empty when no claim is a candidate (the API's 404)
   */
  public static Optional<Resolution> resolve(
      Lens lens, Records records, ReadFilter filter, BigDecimal defaultAuthority) {
    throw new UnsupportedOperationException("being written");
  }
}
