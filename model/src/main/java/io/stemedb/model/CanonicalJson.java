package io.stemedb.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * RFC 8785 (JCS) canonical JSON. Two values are equal in StemeDB exactly when their canonical forms
 * are equal: {@code {"a":1,"b":2}} equals {@code {"b":2,"a":1}}, and {@code 1.0} equals {@code 1}.
 *
 * <p>JCS reads numbers as IEEE doubles (I-JSON), so integers beyond 2^53 lose precision; that is the
 * standard's rule and it keeps every replica and client in agreement.
 */
public final class CanonicalJson {
  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private CanonicalJson() {}

  /**
   * The canonical form of one JSON value (any type, not only objects); throws {@link
   * IllegalArgumentException} if the text is not exactly one JSON value or has duplicate keys.
   */
  public static String canonicalize(String json) {
    JsonNode node;
    try {
      node = STRICT.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || node.isMissingNode()) {
      throw new IllegalArgumentException("not valid JSON: no value");
    }
    return canonicalize(node);
  }

  /** The canonical form of a parsed JSON value. */
  public static String canonicalize(JsonNode value) {
    // The JCS library accepts only an object or array at the top, so wrap the value in an array and
    // take the element back out; canonicalisation of an array is "[" + its elements + "]".
    try {
      String wrapped = new JsonCanonicalizer("[" + STRICT.writeValueAsString(value) + "]").getEncodedString();
      return wrapped.substring(1, wrapped.length() - 1);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
    }
  }

  /** A JSON string literal for {@code text}, escaped as RFC 8785 requires. */
  public static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
