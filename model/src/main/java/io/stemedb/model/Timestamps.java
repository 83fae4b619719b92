package io.stemedb.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * {@code observedAt} is kept as epoch milliseconds: the contract truncates finer precision, and the
 * id is computed over the UTC millisecond form {@code YYYY-MM-DDTHH:MM:SS.sssZ}.
 */
public final class Timestamps {
  private static final DateTimeFormatter CANONICAL =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Timestamps() {}

  /** The canonical text of an instant in epoch milliseconds. */
  public static String format(long epochMillis) {
    return CANONICAL.format(Instant.ofEpochMilli(epochMillis));
  }

  /**
   * Parses RFC 3339 text with any offset into epoch milliseconds, truncating sub-millisecond digits.
   *
   * @throws IllegalArgumentException when the text is not an RFC 3339 date-time
   */
  public static long parse(String rfc3339) {
    try {
      return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(rfc3339, Instant::from).toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException("not an RFC 3339 date-time: " + rfc3339, e);
    }
  }
}
