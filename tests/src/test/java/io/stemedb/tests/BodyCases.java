package io.stemedb.tests;

import io.stemedb.tests.BodyTarget.Kind;
import io.stemedb.tests.BodyTarget.Obj;
import io.stemedb.tests.BodyTarget.Spoiled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of hostile JSON bodies for every {@link BodyTarget}, one per case family. Each spoils a
 * valid body in exactly one way, so the case knows the status and, where one input is at fault, the
 * field the error must name. No generated body is valid: a case that slipped through would be caught
 * by its own status check and by the unchanged Merkle root at the end.
 */
final class BodyCases {
  private BodyCases() {}

  static final Arbitrary<Integer> NODE = Arbitraries.integers().between(0, 2);
  private static final Arbitrary<BodyTarget> TARGET = Arbitraries.of(BodyTarget.ALL);
  private static final Arbitrary<BodyTarget> WITH_FIELDS = Arbitraries.of(BodyTarget.ALL.stream().filter(t -> !t.kinds().isEmpty()).toList());
  private static final Arbitrary<BodyTarget> CLAIMS = Arbitraries.of(BodyTarget.ALL.stream().filter(t -> t.name().equals("claim") || t.name().equals("batch")).toList());
  private static final String STRUCTURE = "{}[]:,\"";

  static HostileCase request(String family, BodyTarget t, int node, String body, int status, String field) {
    return HostileCase.of(family, node, t.method(), t.path()).json(body).expect(status, field);
  }

  private static HostileCase request(String family, BodyTarget t, int node, Spoiled s) {
    return request(family, t, node, s.body(), 400, s.field());
  }

  /** Valid bodies cut short, with a structural character removed or swapped, or with garbage around them. */
  static Arbitrary<HostileCase> malformed() {
    return Combinators.combine(TARGET, NODE, Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 1 << 20),
        Arbitraries.strings().withChars("{}[],:\"xtfn0-.eE\\").ofMinLength(1).ofMaxLength(6)).as((t, node, mode, k, garbage) -> {
          String body = t.validBody();
          List<Integer> structural = structuralPositions(body);
          int at = structural.get(k % structural.size());
          String spoiled = switch (mode) {
            case 0 -> body.substring(0, 1 + k % (body.length() - 1)); // a proper prefix of an object is never JSON
            case 1 -> body.substring(0, at) + body.substring(at + 1);
            case 2 -> body.substring(0, at) + other(body.charAt(at), k) + body.substring(at + 1);
            case 3 -> body + garbage;
            default -> garbage + body;
          };
          return request("malformed JSON", t, node, spoiled, 400, null);
        });
  }

  /** Indexes of the characters that give the text its structure: outside strings, and the quotes themselves. */
  private static List<Integer> structuralPositions(String json) {
    List<Integer> out = new ArrayList<>();
    boolean inString = false;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString && c == '\\') {
        i++;
      } else if (c == '"') {
        inString = !inString;
        out.add(i);
      } else if (!inString && STRUCTURE.indexOf(c) >= 0) {
        out.add(i);
      }
    }
    return out;
  }

  private static char other(char c, int k) {
    String others = STRUCTURE.replace(String.valueOf(c), "");
    return others.charAt(k % others.length());
  }

  private static final List<String> NUMBERS = List.of("0", "1", "-1", "3.14", "1e3", "0.5");
  private static final List<String> STRINGS = List.of("\"\"", "\"x\"", "\"1\"", "\"true\"", "\"null\"", "\"[]\"");
  private static final List<String> BOOLEANS = List.of("true", "false");
  private static final List<String> CONTAINERS = List.of("[]", "[1]", "[\"x\"]", "[null]", "[[]]", "{}", "{\"a\":1}", "{\"\":null}");

  /** JSON values a field of {@code kind} refuses for their type (or, for integers, for being fractional or negative). */
  static List<String> wrongTypes(Kind kind) {
    List<String> out = new ArrayList<>(CONTAINERS);
    out.add("null");
    switch (kind) {
      case TEXT, STRICT_TEXT -> { out.addAll(NUMBERS); out.addAll(BOOLEANS); }
      case NUMBER -> { out.addAll(STRINGS); out.addAll(BOOLEANS); }
      case INTEGER -> { out.addAll(STRINGS); out.addAll(BOOLEANS); out.addAll(List.of("1.5", "0.5", "1.0", "1e3", "-1")); }
      case BOOLEAN -> { out.addAll(STRINGS); out.addAll(NUMBERS); }
      case ANY -> out.clear();
    }
    return out;
  }

  /** Every field given every value of the wrong type. */
  static Arbitrary<HostileCase> wrongTypes() {
    return WITH_FIELDS.flatMap(t -> {
      List<String> fields = t.kinds().keySet().stream().filter(f -> t.kinds().get(f) != Kind.ANY).toList();
      return Arbitraries.of(fields).flatMap(f -> Combinators.combine(NODE, Arbitraries.integers().between(0, 1),
          Arbitraries.of(wrongTypes(t.kinds().get(f)))).as((node, item, raw) ->
          request("wrong types", t, node, t.spoil(item, o -> o.with(f, raw), f))));
    });
  }

  /** Numbers beyond every range, and the non-JSON number tokens, in every numeric field (and a claim's value). */
  static Arbitrary<HostileCase> hugeNumbers() {
    List<String[]> numeric = List.of(new String[] {"claim", "confidence"}, new String[] {"claim", "value"},
        new String[] {"batch", "confidence"}, new String[] {"batch", "value"}, new String[] {"agent", "authority"},
        new String[] {"member", "priority"}, new String[] {"priority", "priority"}, new String[] {"rate-limit", "perSecond"});
    Arbitrary<String[]> huge = Arbitraries.randomValue(BodyCases::hugeNumber);
    return Combinators.combine(Arbitraries.of(numeric), NODE, Arbitraries.integers().between(0, 1), huge).as((tf, node, item, number) -> {
      BodyTarget t = target(tf[0]);
      boolean json = number[1] != null; // a JSON number: the field is at fault; a bad token: the body is
      return request("huge numbers", t, node, t.spoil(item, o -> o.with(tf[1], number[0]), json ? tf[1] : null));
    });
  }

  /** {text, "json" if it is a JSON number at all}. */
  private static String[] hugeNumber(Random r) {
    String sign = r.nextBoolean() ? "" : "-";
    return switch (r.nextInt(6)) {
      case 0 -> new String[] {sign + "1" + (r.nextBoolean() ? "e" : "E+") + (309 + r.nextInt(999_690)), "json"};
      case 1 -> new String[] {sign + digits(r, 400 + r.nextInt(600)), "json"};
      case 2 -> new String[] {sign + digits(r, 310 + r.nextInt(100)) + "." + digits(r, 1 + r.nextInt(50)), "json"};
      case 3 -> new String[] {sign + digits(r, 1001 + r.nextInt(3000)), null}; // beyond the parser's number length
      case 4 -> new String[] {pick(r, "NaN", "Infinity", "-Infinity", "+Infinity", "-NaN", "inf", "1e", "1e+", "--1", "0x7fffffff"), null};
      default -> new String[] {pick(r, "+1", "01", "-01", ".5", "1.", "1.e5", "0.5.1", "1_000", "\u0661"), null};
    };
  }

  /** Values nested beyond the value's 64 levels, the body's 100, and up to 10,000, closed or not. */
  static Arbitrary<HostileCase> deepNesting() {
    Arbitrary<HostileCase> inValue = Combinators.combine(CLAIMS, NODE, Arbitraries.integers().between(0, 1),
        Arbitraries.integers().between(65, 96), Arbitraries.longs()).as((t, node, item, depth, seed) -> {
          int envelope = t.batch() ? 3 : 1; // the value's own levels plus those around it
          String field = depth + envelope <= 99 ? "value" : null;
          return request("deep nesting", t, node, t.spoil(item, o -> o.with("value", nested(new Random(seed), depth, true)), field));
        });
    Arbitrary<HostileCase> anywhere = Combinators.combine(TARGET, NODE, Arbitraries.integers().between(101, 10_000),
        Arbitraries.of(true, false), Arbitraries.longs()).as((t, node, depth, closed, seed) -> {
          Random r = new Random(seed);
          String deep = nested(r, depth, closed);
          List<String> fields = new ArrayList<>(t.kinds().keySet());
          if (fields.isEmpty() || r.nextInt(4) == 0) {
            return request("deep nesting", t, node, deep, 400, null); // the whole body
          }
          String f = fields.get(r.nextInt(fields.size()));
          return request("deep nesting", t, node, t.spoil(0, o -> o.with(f, deep), null).body(), 400, null);
        });
    return Arbitraries.oneOf(inValue, anywhere);
  }

  /** {@code depth} levels of arrays and objects mixed, around a scalar. */
  static String nested(Random r, int depth, boolean closed) {
    StringBuilder open = new StringBuilder();
    StringBuilder close = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      boolean object = r.nextBoolean();
      open.append(object ? "{\"k\":" : "[");
      close.insert(0, object ? '}' : ']');
    }
    return open + "1" + (closed ? close : "");
  }

  /** Bytes that are not UTF-8 anywhere in a body, and bodies in UTF-16 or UTF-32. */
  static Arbitrary<HostileCase> invalidUtf8() {
    Arbitrary<HostileCase> inserted = Combinators.combine(TARGET, NODE, Arbitraries.integers().between(0, 1 << 20),
        Arbitraries.randomValue(BodyCases::notUtf8)).as((t, node, k, bad) -> {
          byte[] body = t.validBody().getBytes(StandardCharsets.UTF_8);
          int at = k % (body.length + 1);
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          out.write(body, 0, at);
          out.writeBytes(bad);
          out.write(body, at, body.length - at);
          return HostileCase.of("invalid UTF-8", node, t.method(), t.path()).json(out.toByteArray()).expect(400, null);
        });
    Arbitrary<HostileCase> otherEncodings = Combinators.combine(WITH_FIELDS, NODE,
        Arbitraries.of("UTF-16LE", "UTF-16BE", "UTF-16", "UTF-32LE", "UTF-32BE")).as((t, node, charset) ->
        HostileCase.of("invalid UTF-8", node, t.method(), t.path()).json(t.validBody().getBytes(Charset.forName(charset))).expect(400, null));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, inserted), net.jqwik.api.Tuple.of(1, otherEncodings));
  }

  /** One ill-formed UTF-8 sequence (RFC 3629): stray, overlong, surrogate, beyond U+10FFFF, cut short, or never valid. */
  private static byte[] notUtf8(Random r) {
    int c = 0x80 + r.nextInt(0x40); // any continuation byte
    int c2 = 0x80 + r.nextInt(0x40);
    int c3 = 0x80 + r.nextInt(0x40);
    int[] bytes = switch (r.nextInt(9)) {
      case 0 -> new int[] {c};
      case 1 -> new int[] {0xC0 + r.nextInt(2), c};
      case 2 -> new int[] {0xE0, 0x80 + r.nextInt(0x20), c2};
      case 3 -> new int[] {0xED, 0xA0 + r.nextInt(0x20), c2};
      case 4 -> new int[] {0xF0, 0x80 + r.nextInt(0x10), c2, c3};
      case 5 -> new int[] {0xF4, 0x90 + r.nextInt(0x30), c2, c3};
      case 6 -> new int[] {0xF5 + r.nextInt(0x0B), c, c2};
      case 7 -> new int[] {0xC2 + r.nextInt(0x1E)}; // a lead byte with nothing after it (bodies are ASCII)
      default -> new int[] {0xE1 + r.nextInt(0x0C), c};
    };
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = (byte) bytes[i];
    }
    return out;
  }

  /**
   * Control characters: escaped or raw (C1, DEL) in fields that refuse them, raw C0 (never legal in a
   * JSON string) in any string, and escaped in field names.
   */
  static Arbitrary<HostileCase> controlCharacters() {
    Arbitrary<Character> anyControl = Arbitraries.oneOf(Arbitraries.chars().range('\u0000', '\u001f'),
        Arbitraries.just('\u007f'), Arbitraries.chars().range('\u0080', '\u009f'));
    Arbitrary<HostileCase> inStrictField = WITH_FIELDS.filter(t -> t.kinds().containsValue(Kind.STRICT_TEXT)).flatMap(t -> {
      List<String> strict = t.kinds().keySet().stream().filter(f -> t.kinds().get(f) == Kind.STRICT_TEXT).toList();
      return Combinators.combine(Arbitraries.of(strict), NODE, Arbitraries.integers().between(0, 1), anyControl,
          Arbitraries.integers().between(0, 1000), Arbitraries.of(true, false)).as((f, node, item, ch, k, escaped) -> {
            boolean raw = !escaped && ch >= 0x7f; // a raw C0 is a JSON error rather than this field's
            String text = unquote(t.valid().raw(f));
            int at = k % (text.length() + 1);
            String spoiled = text.substring(0, at) + (raw ? String.valueOf(ch) : String.format("\\u%04x", (int) ch)) + text.substring(at);
            return request("control characters", t, node, t.spoil(item, o -> o.with(f, "\"" + spoiled + "\""), f));
          });
    });
    Arbitrary<HostileCase> rawInAnyString = Combinators.combine(TARGET.filter(t -> t.validBody().contains("\"")), NODE,
        Arbitraries.chars().range('\u0000', '\u001f'), Arbitraries.integers().between(0, 1 << 20)).as((t, node, ch, k) -> {
          String body = t.validBody();
          List<Integer> insideStrings = new ArrayList<>();
          boolean in = false;
          for (int i = 0; i < body.length(); i++) {
            if (body.charAt(i) == '"') {
              in = !in;
            } else if (in) {
              insideStrings.add(i);
            }
          }
          int at = insideStrings.get(k % insideStrings.size());
          return request("control characters", t, node, body.substring(0, at) + ch + body.substring(at), 400, null);
        });
    Arbitrary<HostileCase> inFieldName = Combinators.combine(TARGET, NODE, Arbitraries.integers().between(0, 1), anyControl,
        Arbitraries.of("subject", "x", "", "agent", "value"), Arbitraries.integers().between(0, 8)).as((t, node, item, ch, stem, pos) -> {
          String name = stem + ch;
          return request("control characters", t, node, t.spoil(item, o -> o.plus(pos, name, "1"), name));
        });
    return Arbitraries.oneOf(inStrictField, rawInAnyString, inFieldName);
  }

  /** A key given twice: a field of the target, "assertions" of a batch, a key inside a claim's value. */
  static Arbitrary<HostileCase> duplicateKeys() {
    return Combinators.combine(TARGET, NODE, Arbitraries.integers().between(0, 1), Arbitraries.integers().between(0, 8),
        Arbitraries.integers().between(0, 3)).as((t, node, item, pos, mode) -> {
          List<String> fields = new ArrayList<>(t.kinds().keySet());
          String body;
          if (fields.isEmpty()) {
            body = "{\"a\":1,\"a\":" + (mode % 2) + "}";
          } else if (mode == 3 && t.batch()) {
            body = t.spoilEnvelope(o -> o.plus(pos, "assertions", "[]"), null).body();
          } else if (mode == 2 && t.kinds().containsKey("value")) {
            body = t.spoil(item, o -> o.with("value", "{\"k\":{\"x\":1,\"y\":2,\"x\":" + pos + "}}"), null).body();
          } else {
            String f = fields.get(pos % fields.size());
            String raw = mode == 0 ? t.valid().raw(f) : otherValue(t, f);
            body = t.spoil(item, o -> o.plus(pos, f, raw), null).body();
          }
          return request("duplicate keys", t, node, body, 400, null);
        });
  }

  /** Some other value for {@code field} than its valid one. */
  private static String otherValue(BodyTarget t, String field) {
    List<String> wrong = wrongTypes(t.kinds().get(field));
    return wrong.isEmpty() ? "2" : wrong.get(0);
  }

  private static final Arbitrary<String> FIELD_NAMES = Arbitraries.oneOf(
      Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(24),
      Arbitraries.strings().withCharRange('\u00a0', '\u024f').withCharRange('\u4e00', '\u4e20').ofMinLength(1).ofMaxLength(8),
      Arbitraries.of("Subject", "SUBJECT", "subject ", " agent", "confidence\u200b", "assertion", "id ", "\ud83d\ude00",
          "__proto__", "constructor", "$ref", "a.b", "[0]", "null", "true", "\ud83d\ude42subject"));

  /** A field the request does not have, anywhere among its fields (and next to a batch's "assertions"). */
  static Arbitrary<HostileCase> unknownFields() {
    return Combinators.combine(TARGET, NODE, Arbitraries.integers().between(0, 1), Arbitraries.integers().between(0, 8),
        FIELD_NAMES, Arbitraries.of("1", "null", "\"x\"", "{}", "[]", "true", "{\"subject\":\"s\"}")).as((t, node, item, pos, name, raw) -> {
          if (t.kinds().containsKey(name) || name.equals("assertions")) {
            name = name + "_";
          }
          String n = name;
          Spoiled s = t.batch() && pos % 3 == 0 ? t.spoilEnvelope(o -> o.plus(pos, n, raw), n) : t.spoil(item, o -> o.plus(pos, n, raw), n);
          return request("unknown fields", t, node, s);
        });
  }

  /** {@code null} in every field (optional ones must be omitted instead), and every required field missing. */
  static Arbitrary<HostileCase> nullAndMissing() {
    return WITH_FIELDS.flatMap(t -> {
      List<String> fields = t.kinds().keySet().stream().filter(f -> t.kinds().get(f) != Kind.ANY).toList();
      Arbitrary<HostileCase> nulls = Combinators.combine(Arbitraries.of(fields), NODE, Arbitraries.integers().between(0, 1))
          .as((f, node, item) -> request("null and missing", t, node, t.spoil(item, o -> o.with(f, "null"), f)));
      Arbitrary<HostileCase> missing = Combinators.combine(Arbitraries.of(t.required()), NODE, Arbitraries.integers().between(0, 1))
          .as((f, node, item) -> request("null and missing", t, node, t.spoil(item, o -> o.without(f), f)));
      if (!t.batch()) {
        return Arbitraries.oneOf(nulls, missing);
      }
      Arbitrary<HostileCase> badItems = Combinators.combine(NODE, Arbitraries.of("null", "1", "\"claim\"", "[]", "true"),
          Arbitraries.of(true, false)).as((node, raw, whole) -> whole
          ? request("null and missing", t, node, "{\"assertions\":" + raw + "}", 400, "assertions")
          : request("null and missing", t, node, "{\"assertions\":[" + t.valid().render() + "," + raw + "]}", 400, "assertions[1]"));
      return Arbitraries.oneOf(nulls, missing, badItems);
    });
  }

  /** No body, white space only, or a JSON value that is not an object. */
  static Arbitrary<HostileCase> emptyBodies() {
    Arbitrary<String> empties = Arbitraries.of("", " ", "\n", "\t", "\r\n", "   \n\t ", "null", "[]", "[{}]", "\"{}\"", "1", "true", "\"\"");
    return Combinators.combine(TARGET, NODE, empties, Arbitraries.of(true, false)).as((t, node, body, withType) -> {
      if (body.isEmpty() && t.emptyBodyIsValid()) {
        body = " ";
      }
      HostileCase c = HostileCase.of("empty bodies", node, t.method(), t.path()).expect(400, null);
      // no body at all needs no Content-Type (there is nothing to be of the wrong type): 400 with or without one
      return body.isEmpty() && !withType ? c.body(null, new byte[0]) : c.json(body);
    });
  }

  /** Bodies over the 4 MiB limit, declared or chunked: 413 from every endpoint that takes a body. */
  static Arbitrary<HostileCase> oversized() {
    return Combinators.combine(TARGET, NODE, Arbitraries.integers().between(1, 64 << 10), Arbitraries.of(true, false))
        .as((t, node, extra, chunked) -> {
          String prefix = "{\"subject\":\"";
          String body = prefix + "x".repeat((4 << 20) + extra - prefix.length() - 2) + "\"}";
          return HostileCase.of("oversized bodies", node, t.method(), t.path()).json(body).chunked(chunked).expect(413, null);
        });
  }

  /** Batches of more than 1,000 claims (and of none). */
  static Arbitrary<HostileCase> oversizedBatches() {
    BodyTarget batch = target("batch");
    return Combinators.combine(NODE, Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, Arbitraries.integers().between(1001, 1300)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(0)))).as((node, n) -> {
          StringBuilder b = new StringBuilder("{\"assertions\":[");
          for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append(batch.valid().with("subject", "\"hostile:batch:" + i + "\"").render());
          }
          return request("oversized batches", batch, node, b.append("]}").toString(), 400, "assertions");
        });
  }

  /** Every limited string one to a few hundred bytes over its limit, in ASCII or in multi-byte characters. */
  static Arbitrary<HostileCase> fieldLengths() {
    Arbitrary<BodyTarget> withLimits = Arbitraries.of(BodyTarget.ALL.stream()
        .filter(t -> t.kinds().keySet().stream().anyMatch(BodyTarget.MAX_BYTES::containsKey)).toList());
    Arbitrary<HostileCase> fields = withLimits.flatMap(t -> {
      List<String> limited = t.kinds().keySet().stream().filter(BodyTarget.MAX_BYTES::containsKey).toList();
      return Combinators.combine(Arbitraries.of(limited), NODE, Arbitraries.integers().between(0, 1),
          Arbitraries.integers().between(1, 300), Arbitraries.of("a", "\u00e9", "\u20ac", "\ud83d\ude00")).as((f, node, item, over, unit) -> {
            int max = BodyTarget.MAX_BYTES.get(f);
            String u = BodyTarget.AGENT_ALPHABET.contains(f) ? "a" : unit;
            int unitBytes = u.getBytes(StandardCharsets.UTF_8).length;
            String text = u.repeat((max + over) / unitBytes + 1);
            return request("field lengths", t, node, t.spoil(item, o -> o.with(f, BodyTarget.quote(text)), f));
          });
    });
    Arbitrary<HostileCase> value = Combinators.combine(CLAIMS, NODE, Arbitraries.integers().between(0, 1),
        Arbitraries.integers().between(0, 4096)).as((t, node, item, over) ->
        request("field lengths", t, node, t.spoil(item, o -> o.with("value", "\"" + "v".repeat(65_535 + over) + "\""), "value")));
    Arbitrary<HostileCase> pathAgent = Combinators.combine(NODE, Arbitraries.integers().between(129, 400)).as((node, n) ->
        HostileCase.of("field lengths", node, "PUT", "/v1/admin/agents/" + "a".repeat(n)).json("{\"authority\":1}").expect(400, "agent"));
    Arbitrary<HostileCase> idempotencyKey = Combinators.combine(NODE, Arbitraries.integers().between(129, 1000)).as((node, n) ->
        request("field lengths", target("epoch"), node, target("epoch").validBody(), 400, "Idempotency-Key")
            .header("Idempotency-Key", "k".repeat(n)));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, fields), net.jqwik.api.Tuple.of(1, value),
        net.jqwik.api.Tuple.of(1, pathAgent), net.jqwik.api.Tuple.of(1, idempotencyKey));
  }

  /** Valid bodies with a Content-Type other than JSON, or none: 415 before anything is parsed. */
  static Arbitrary<HostileCase> contentTypes() {
    Arbitrary<String> types = Arbitraries.of("text/plain", "text/json", "application/xml", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", "application/jsonx", "application/json-patch+json", "application/ld+json",
        "application/x-ndjson", "json", "application/*", "*/*", "application/json, text/plain", "text/html; charset=utf-8",
        "application/octet-stream", "application/javascript", "APPLICATION/XML", "application/vnd.api+json", "x");
    return Combinators.combine(TARGET, NODE, Arbitraries.oneOf(types, Arbitraries.just("")), Arbitraries.of(true, false))
        .as((t, node, type, omit) -> {
          byte[] body = (t.kinds().isEmpty() ? "{}" : t.validBody()).getBytes(StandardCharsets.UTF_8);
          return HostileCase.of("content types", node, t.method(), t.path())
              .body(omit || type.isEmpty() ? null : type, body).expect(415, null);
        });
  }

  static BodyTarget target(String name) {
    return BodyTarget.ALL.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  private static String unquote(String raw) {
    return raw.substring(1, raw.length() - 1);
  }

  static String digits(Random r, int n) {
    StringBuilder b = new StringBuilder(n).append((char) ('1' + r.nextInt(9)));
    for (int i = 1; i < n; i++) {
      b.append((char) ('0' + r.nextInt(10)));
    }
    return b.toString();
  }

  @SafeVarargs
  static <T> T pick(Random r, T... options) {
    return options[r.nextInt(options.length)];
  }
}
