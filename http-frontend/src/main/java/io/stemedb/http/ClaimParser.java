package io.stemedb.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.stemedb.model.CanonicalJson;
import io.stemedb.model.Timestamps;
import io.stemedb.raft.Proposal;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a {@code POST /v1/assertions} body into claims, enforcing every input rule of the contract:
 * one JSON value, no duplicate keys, no unknown fields, no {@code null} in optional fields, the right
 * types, the size and depth limits, the agent alphabet, no control characters in subject or
 * predicate. Each violation names its field as a JSON path ({@code assertions[3].confidence}).
 */
final class ClaimParser {
  static final Set<String> FIELDS =
      Set.of("subject", "predicate", "value", "agent", "confidence", "observedAt", "source");
  static final Pattern AGENT = Pattern.compile("[A-Za-z0-9._:@-]+");

  static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  static {
    // The body may nest 100 levels (the value 64, inside its envelope); deeper is refused while parsing.
    STRICT.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100).build());
  }

  private final Limits limits;

  ClaimParser(Limits limits) {
    this.limits = limits;
  }

  /** A parsed body: the claims, and whether it was the batch form. */
  record Parsed(List<Proposal.Claim> claims, boolean batch) {}

  Parsed parse(byte[] body) {
    JsonNode root = parseJson(body);
    if (!root.isObject()) {
      throw ApiException.invalid("", "the body must be a JSON object: one assertion, or {\"assertions\": [...]}");
    }
    if (root.has("assertions")) {
      rejectUnknown(root, Set.of("assertions"), "");
      JsonNode items = root.get("assertions");
      if (!items.isArray()) {
        throw ApiException.invalid("assertions", "must be an array of assertions");
      }
      if (items.isEmpty() || items.size() > limits.maxBatchItems()) {
        throw ApiException.invalid("assertions", "a batch holds 1 to " + limits.maxBatchItems() + " assertions, not " + items.size());
      }
      List<Proposal.Claim> claims = new ArrayList<>(items.size());
      for (int i = 0; i < items.size(); i++) {
        claims.add(claim(items.get(i), "assertions[" + i + "]."));
      }
      return new Parsed(claims, true);
    }
    return new Parsed(List.of(claim(root, "")), false);
  }

  static JsonNode parseJson(byte[] body) {
    try {
      JsonNode root = STRICT.readTree(utf8(body));
      if (root == null || root.isMissingNode()) {
        throw ApiException.invalid("", "the body is empty");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw ApiException.invalid("", "the body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /**
   * The body as text, decoded strictly: Jackson alone would accept overlong forms, UTF-8-encoded
   * surrogates and code points beyond U+10FFFF, and would sniff UTF-16/32 bodies, none of which is the
   * contract's UTF-8. A leading byte order mark is ignored, as RFC 8259 allows.
   */
  static String utf8(byte[] body) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(body);
    CharBuffer out = CharBuffer.allocate(body.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw ApiException.invalid("", "the body is not valid UTF-8 (at byte " + in.position() + ")");
    }
    String text = out.flip().toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  private Proposal.Claim claim(JsonNode node, String at) {
    return claim(node, at, FIELDS);
  }

  /** One claim object that may also carry {@code allowed} fields besides the claim's own. */
  Proposal.Claim claim(JsonNode node, String at, Set<String> allowed) {
    String where = at.isEmpty() ? "" : at.substring(0, at.length() - 1);
    if (!node.isObject()) {
      throw ApiException.invalid(where, "an assertion must be a JSON object");
    }
    rejectUnknown(node, allowed, at);
    String subject = text(node, "subject", at, true, limits.maxSubjectBytes());
    noControlCharacters(subject, at + "subject");
    String predicate = text(node, "predicate", at, true, limits.maxPredicateBytes());
    noControlCharacters(predicate, at + "predicate");
    String agent = agent(node, "agent", at, limits);
    if (!node.has("value")) {
      throw ApiException.invalid(at + "value", "is required (any JSON value)");
    }
    JsonNode value = node.get("value");
    if (depth(value) > limits.maxValueDepth()) {
      throw ApiException.invalid(at + "value", "nests deeper than " + limits.maxValueDepth() + " levels");
    }
    String canonical;
    try {
      canonical = CanonicalJson.canonicalize(value);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(at + "value", e.getMessage());
    }
    if (!wellFormed(canonical)) {
      // I-JSON (RFC 7493), which JCS builds on, has no unpaired surrogates; stored as UTF-8 they would become "?"
      throw ApiException.invalid(at + "value", "contains an unpaired surrogate");
    }
    if (canonical.getBytes(StandardCharsets.UTF_8).length > limits.maxValueBytes()) {
      throw ApiException.invalid(at + "value", "is larger than " + limits.maxValueBytes() + " bytes as canonical JSON");
    }
    double confidence = 1.0;
    if (node.has("confidence")) {
      JsonNode c = notNull(node, "confidence", at);
      if (!c.isNumber()) {
        throw ApiException.invalid(at + "confidence", "must be a number between 0 and 1");
      }
      BigDecimal d = c.decimalValue();
      if (d.compareTo(BigDecimal.ZERO) < 0 || d.compareTo(BigDecimal.ONE) > 0) {
        throw ApiException.invalid(at + "confidence", "must be between 0 and 1, not " + d.toPlainString());
      }
      confidence = d.doubleValue() == 0 ? 0.0 : d.doubleValue(); // never -0.0
    }
    Long observedAt = null;
    if (node.has("observedAt")) {
      String t = text(node, "observedAt", at, false, 64);
      try {
        observedAt = Timestamps.parse(t);
      } catch (IllegalArgumentException e) {
        throw ApiException.invalid(at + "observedAt", "must be an RFC 3339 date-time such as 2026-11-01T10:00:00Z");
      }
    }
    String source = node.has("source") ? text(node, "source", at, false, limits.maxSourceBytes()) : null;
    return new Proposal.Claim(subject, predicate, canonical, agent, confidence, observedAt, source);
  }

  /** A body that must be one JSON object with only {@code allowed} fields. */
  static JsonNode object(byte[] body, Set<String> allowed) {
    JsonNode root = parseJson(body);
    if (!root.isObject()) {
      throw ApiException.invalid("", "the body must be a JSON object");
    }
    rejectUnknown(root, allowed, "");
    return root;
  }

  static void rejectUnknown(JsonNode node, Set<String> allowed, String at) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      String name = fields.next().getKey();
      if (!allowed.contains(name)) {
        throw ApiException.invalid(at + name, allowed.isEmpty() ? "unknown field; this request takes no fields"
            : "unknown field; allowed: " + String.join(", ", allowed.stream().sorted().toList()));
      }
    }
  }

  static JsonNode notNull(JsonNode node, String name, String at) {
    JsonNode v = node.get(name);
    if (v.isNull()) {
      throw ApiException.invalid(at + name, "must not be null (omit an optional field instead)");
    }
    return v;
  }

  static String text(JsonNode node, String name, String at, boolean required, int maxBytes) {
    if (!node.has(name)) {
      if (required) {
        throw ApiException.invalid(at + name, "is required");
      }
      return null;
    }
    JsonNode v = notNull(node, name, at);
    if (!v.isTextual()) {
      throw ApiException.invalid(at + name, "must be a string");
    }
    String s = v.textValue();
    if (required && s.isEmpty()) {
      throw ApiException.invalid(at + name, "must not be empty");
    }
    if (s.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
      throw ApiException.invalid(at + name, "is longer than " + maxBytes + " bytes");
    }
    if (!wellFormed(s)) {
      throw ApiException.invalid(at + name, "contains an unpaired surrogate");
    }
    return s;
  }

  /** Whether every surrogate in {@code s} is half of a pair (a JSON escape can break one). */
  static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** A required agent name: at most the agent byte limit, from [A-Za-z0-9._:@-]. */
  static String agent(JsonNode node, String name, String at, Limits limits) {
    String agent = text(node, name, at, true, limits.maxAgentBytes());
    checkAgent(agent, at + name);
    return agent;
  }

  static void checkAgent(String agent, String field) {
    if (!AGENT.matcher(agent).matches()) {
      throw ApiException.invalid(field, "must match [A-Za-z0-9._:@-]+");
    }
  }

  /** A required claim id: 64 lowercase hex characters. */
  static String assertionId(JsonNode node, String name) {
    String id = text(node, name, "", true, 64);
    if (!io.stemedb.model.AssertionId.isWellFormed(id)) {
      throw ApiException.invalid(name, "must be 64 lowercase hex characters");
    }
    return id;
  }

  /** C0, DEL and C1 control characters are refused in keyed strings. */
  static void noControlCharacters(String s, String field) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        throw ApiException.invalid(field, "must not contain control characters (U+" + String.format("%04X", (int) c) + ")");
      }
    }
  }

  /** Nesting of arrays and objects: a scalar is 0, {@code [1]} is 1. */
  static int depth(JsonNode node) {
    if (!node.isContainerNode()) {
      return 0;
    }
    int deepest = 0;
    for (JsonNode child : node) {
      deepest = Math.max(deepest, depth(child));
    }
    return deepest + 1;
  }
}
