package io.stemedb.tests;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A request that takes a JSON body (every write and every admin action), with a valid body for the
 * hostile cases to spoil and what each field accepts. The valid bodies are harmless even if a guard
 * failed: a learner on a dead port, a transfer to a node that does not exist, a rate limit raised.
 */
record BodyTarget(
    String name, String method, String path, Map<String, Kind> kinds, Set<String> required, Obj valid, boolean batch) {

  /** What a field accepts; {@code ANY} takes every JSON value, so no value is the wrong type for it. */
  enum Kind { TEXT, STRICT_TEXT, NUMBER, INTEGER, BOOLEAN, ANY }

  static final String ID = "0".repeat(64);
  static final String AGENT = "hostile-agent";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A JSON object as (name, raw JSON text) pairs, so a case can put anything into it, valid JSON or not. */
  record Obj(List<Map.Entry<String, String>> fields) {
    static Obj of(String... nameRaw) {
      List<Map.Entry<String, String>> f = new ArrayList<>();
      for (int i = 0; i < nameRaw.length; i += 2) {
        f.add(Map.entry(nameRaw[i], nameRaw[i + 1]));
      }
      return new Obj(List.copyOf(f));
    }

    /** {@code name} set to {@code raw}, in place. */
    Obj with(String name, String raw) {
      return new Obj(fields.stream().map(e -> e.getKey().equals(name) ? Map.entry(name, raw) : e).toList());
    }

    /** One more field at {@code position} (clamped), even one already there. */
    Obj plus(int position, String name, String raw) {
      List<Map.Entry<String, String>> f = new ArrayList<>(fields);
      f.add(Math.min(position, f.size()), Map.entry(name, raw));
      return new Obj(List.copyOf(f));
    }

    Obj without(String name) {
      return new Obj(fields.stream().filter(e -> !e.getKey().equals(name)).toList());
    }

    String raw(String name) {
      return fields.stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).findFirst().orElseThrow();
    }

    String render() {
      StringBuilder b = new StringBuilder("{");
      for (Map.Entry<String, String> e : fields) {
        b.append(b.length() > 1 ? "," : "").append(quote(e.getKey())).append(':').append(e.getValue());
      }
      return b.append('}').toString();
    }
  }

  /** A body with one thing wrong, and the field the error must name (null: the body as a whole). */
  record Spoiled(String body, String field) {}

  /** The valid body with {@code change} applied to the object at {@code item} (for a batch: one of its two claims). */
  Spoiled spoil(int item, UnaryOperator<Obj> change, String field) {
    if (!batch) {
      return new Spoiled(change.apply(valid).render(), field);
    }
    List<String> items = new ArrayList<>(List.of(valid.render(), second().render()));
    int at = Math.floorMod(item, items.size());
    items.set(at, change.apply(at == 0 ? valid : second()).render());
    return new Spoiled("{\"assertions\":[" + String.join(",", items) + "]}", field == null ? null : "assertions[" + at + "]." + field);
  }

  /** For a batch: {@code change} applied to the envelope {@code {"assertions": [...]}} itself. */
  Spoiled spoilEnvelope(UnaryOperator<Obj> change, String field) {
    Obj envelope = Obj.of("assertions", "[" + valid.render() + "," + second().render() + "]");
    return new Spoiled(change.apply(envelope).render(), field);
  }

  String validBody() {
    return spoil(0, o -> o, null).body();
  }

  private Obj second() {
    return valid.with("predicate", "\"q\"");
  }

  boolean admin() {
    return path.startsWith("/v1/admin/");
  }

  /** Whether an empty body is a valid request here (actions without parameters; the rate-limit view). */
  boolean emptyBodyIsValid() {
    return kinds.isEmpty() || name.equals("rate-limit");
  }

  static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static final List<BodyTarget> ALL = targets();

  private static List<BodyTarget> targets() {
    Map<String, Kind> claim = kinds("subject", Kind.STRICT_TEXT, "predicate", Kind.STRICT_TEXT, "value", Kind.ANY,
        "agent", Kind.STRICT_TEXT, "confidence", Kind.NUMBER, "observedAt", Kind.STRICT_TEXT, "source", Kind.TEXT);
    Obj claimBody = Obj.of("subject", "\"hostile:s\"", "predicate", "\"p\"", "value", "{\"v\":[1,\"two\",null]}",
        "agent", "\"" + AGENT + "\"", "confidence", "0.5", "observedAt", "\"2026-11-01T10:00:00Z\"",
        "source", "\"https://crm.example/42\"");
    Set<String> claimRequired = Set.of("subject", "predicate", "value", "agent");
    return List.of(
        new BodyTarget("claim", "POST", "/v1/assertions", claim, claimRequired, claimBody, false),
        new BodyTarget("batch", "POST", "/v1/assertions", claim, claimRequired, claimBody, true),
        new BodyTarget("retraction", "POST", "/v1/retractions",
            kinds("assertionId", Kind.STRICT_TEXT, "agent", Kind.STRICT_TEXT, "force", Kind.BOOLEAN), Set.of("assertionId", "agent"),
            Obj.of("assertionId", "\"" + ID + "\"", "agent", "\"" + AGENT + "\"", "force", "false"), false),
        new BodyTarget("vote", "POST", "/v1/votes",
            kinds("assertionId", Kind.STRICT_TEXT, "agent", Kind.STRICT_TEXT, "stance", Kind.STRICT_TEXT),
            Set.of("assertionId", "agent", "stance"),
            Obj.of("assertionId", "\"" + ID + "\"", "agent", "\"" + AGENT + "\"", "stance", "\"endorse\""), false),
        new BodyTarget("agent", "PUT", "/v1/admin/agents/" + AGENT,
            kinds("authority", Kind.NUMBER, "description", Kind.TEXT), Set.of("authority"),
            Obj.of("authority", "2.5", "description", "\"a hostile agent\""), false),
        new BodyTarget("epoch", "POST", "/v1/admin/epochs",
            kinds("subject", Kind.STRICT_TEXT, "reason", Kind.TEXT), Set.of("subject"),
            Obj.of("subject", "\"hostile:s\"", "reason", "\"why not\""), false),
        new BodyTarget("member", "POST", "/v1/admin/cluster/members",
            kinds("id", Kind.STRICT_TEXT, "raftAddress", Kind.STRICT_TEXT, "httpAddress", Kind.STRICT_TEXT,
                "priority", Kind.INTEGER, "learner", Kind.BOOLEAN), Set.of("id", "raftAddress"),
            Obj.of("id", "\"n9\"", "raftAddress", "\"127.0.0.1:9\"", "httpAddress", "\"127.0.0.1:9\"", "priority", "0",
                "learner", "true"), false),
        new BodyTarget("priority", "PUT", "/v1/admin/cluster/members/n9/priority",
            kinds("priority", Kind.INTEGER), Set.of("priority"), Obj.of("priority", "1"), false),
        new BodyTarget("transfer", "POST", "/v1/admin/cluster/transfer-leadership",
            kinds("to", Kind.STRICT_TEXT), Set.of("to"), Obj.of("to", "\"n9\""), false),
        new BodyTarget("rate-limit", "POST", "/v1/admin/rate-limit",
            kinds("agent", Kind.STRICT_TEXT, "perSecond", Kind.INTEGER), Set.of("perSecond"),
            Obj.of("agent", "\"" + AGENT + "\"", "perSecond", "1000000"), false),
        new BodyTarget("demote", "POST", "/v1/admin/cluster/demote", Map.of(), Set.of(), Obj.of(), false),
        new BodyTarget("snapshot", "POST", "/v1/admin/snapshot", Map.of(), Set.of(), Obj.of(), false));
  }

  private static Map<String, Kind> kinds(Object... nameKind) {
    Map<String, Kind> m = new LinkedHashMap<>();
    for (int i = 0; i < nameKind.length; i += 2) {
      m.put((String) nameKind[i], (Kind) nameKind[i + 1]);
    }
    return m;
  }

  /** The fields with a byte limit (api.md "Limits", and the handlers' own for the rest). */
  static final Map<String, Integer> MAX_BYTES = Map.ofEntries(
      Map.entry("subject", 512), Map.entry("predicate", 256), Map.entry("agent", 128), Map.entry("source", 2048),
      Map.entry("description", 2048), Map.entry("reason", 2048), Map.entry("assertionId", 64), Map.entry("stance", 16),
      Map.entry("observedAt", 64), Map.entry("id", 128), Map.entry("raftAddress", 255), Map.entry("httpAddress", 255),
      Map.entry("to", 128));

  /** Fields that must match the agent alphabet, so an over-long value of it is wrong only in length. */
  static final Set<String> AGENT_ALPHABET = Set.of("agent", "id");

  @Override
  public String toString() {
    return name;
  }
}
