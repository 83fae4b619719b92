package io.stemedb.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The raw path and query must be well-formed percent-encoded UTF-8. Javalin's own decoding fails on
 * a bad escape in a path ({@code /v1/agents/x%u0041}: an exception, so a 500), drops a query parameter
 * with one ({@code subject=s%zz}), and turns invalid UTF-8 ({@code %C0%80}, {@code %FF}) into U+FFFD, so
 * a read would silently answer for some other input than the one sent.
 */
final class UriText {
  private UriText() {}

  /** Throws a 400 if the request path does not decode. */
  static void checkPath(String path) {
    try {
      decode(path, false);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(null, "the path is not valid percent-encoded UTF-8 (" + e.getMessage() + ")");
    }
  }

  /** Throws a 400 naming the first query parameter whose name or value does not decode. */
  static void checkQuery(String query) {
    if (query == null || query.isEmpty()) {
      return;
    }
    for (String pair : query.split("&", -1)) {
      int eq = pair.indexOf('=');
      String rawName = eq < 0 ? pair : pair.substring(0, eq);
      String name = rawName;
      try {
        name = decode(rawName, true);
        if (eq >= 0) {
          decode(pair.substring(eq + 1), true);
        }
      } catch (IllegalArgumentException e) {
        throw ApiException.invalid(name, "is not valid percent-encoded UTF-8 (" + e.getMessage() + ")");
      }
    }
  }

  /** Percent-decoding, strict: a bad escape or bad UTF-8 throws. In a query, '+' is a space. */
  static String decode(String raw, boolean plusIsSpace) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int hi = i + 2 < raw.length() && raw.charAt(i + 1) < 0x80 ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = hi >= 0 && raw.charAt(i + 2) < 0x80 ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (lo < 0) {
          throw new IllegalArgumentException("malformed escape at " + i);
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        bytes.write(' ');
      } else {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("not UTF-8", e);
    }
  }
}
