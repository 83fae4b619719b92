package io.stemedb.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stemedb.model.AgentSetting;
import io.stemedb.model.Assertion;
import io.stemedb.model.EpochOpening;
import io.stemedb.model.Retraction;
import io.stemedb.model.Stance;
import io.stemedb.model.StoredRecord;
import io.stemedb.model.Vote;
import io.stemedb.raft.Proposal;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Set;

/**
 * The NDJSON form of stored records: one JSON object per line, tagged with {@code type}, carrying the
 * record's log {@code index} (and a claim's {@code epoch}). Export writes it, import and restore read
 * it, and a backup is a file of it — so what an operator can read with {@code jq} is exactly what comes
 * back. Parsing applies the API's input rules, each error naming its field; {@code parse(line(r))}
 * gives {@code r} back exactly, which restores rely on for equal Merkle roots.
 */
public final class ExportLines {
  private static final Set<String> ASSERTION = union(ClaimParser.FIELDS, "type", "id", "index", "epoch");
  private static final Set<String> RETRACTION = Set.of("type", "assertionId", "agent", "forced", "index");
  private static final Set<String> VOTE = Set.of("type", "assertionId", "agent", "stance", "index");
  private static final Set<String> AGENT = Set.of("type", "agent", "authority", "description", "index");
  private static final Set<String> EPOCH = Set.of("type", "subject", "reason", "requestId", "index");

  private final ClaimParser claims;
  private final Limits limits;

  public ExportLines(Limits limits) {
    this.limits = limits;
    this.claims = new ClaimParser(limits);
  }

  /** The line of one record, without the newline. */
  public static String line(StoredRecord r) {
    ObjectNode n = Json.object().put("type", r.type());
    if (r instanceof Assertion a) {
      n.setAll(Json.claim(a));
    } else if (r instanceof Retraction x) {
      n.put("assertionId", x.assertionId()).put("agent", x.agent()).put("forced", x.forced()).put("index", x.index());
    } else if (r instanceof Vote v) {
      n.put("assertionId", v.assertionId()).put("agent", v.agent()).put("stance", v.stance().wireName())
          .put("index", v.index());
    } else if (r instanceof AgentSetting s) {
      n.put("agent", s.agent()).put("authority", s.authority()).put("description", s.description())
          .put("index", s.index());
    } else if (r instanceof EpochOpening e) {
      n.put("subject", e.subject()).put("reason", e.reason());
      if (e.requestId() != null) {
        n.put("requestId", e.requestId());
      }
      n.put("index", e.index());
    }
    return Json.write(n);
  }

  /**
   * The record of one line, at the {@code index} (and {@code epoch}) the line carries, 0 when absent.
   *
   * @throws ApiException invalid_argument naming the field and the rule
   */
  public StoredRecord parse(String line) {
    JsonNode node;
    try {
      node = ClaimParser.STRICT.readTree(line);
    } catch (JsonProcessingException e) {
      throw ApiException.invalid("", "not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw ApiException.invalid("", "each line must be one JSON object");
    }
    String type = ClaimParser.text(node, "type", "", true, 16);
    long index = nonNegative(node, "index");
    switch (type) {
      case "assertion" -> {
        Proposal.Claim c = claims.claim(node, "", ASSERTION);
        if (c.observedAt() == null) {
          throw ApiException.invalid("observedAt", "is required in an exported assertion");
        }
        Assertion a = Assertion.claim(c.subject(), c.predicate(), c.value(), c.agent(), c.confidence(),
            c.observedAt(), c.source());
        String id = node.has("id") ? ClaimParser.assertionId(node, "id") : a.id();
        if (!id.equals(a.id())) {
          throw ApiException.invalid("id", "is not the content address of the claim (expected " + a.id() + ")");
        }
        return a.at(index, nonNegative(node, "epoch"));
      }
      case "retraction" -> {
        ClaimParser.rejectUnknown(node, RETRACTION, "");
        return new Retraction(ClaimParser.assertionId(node, "assertionId"),
            ClaimParser.agent(node, "agent", "", limits), bool(node, "forced"), index);
      }
      case "vote" -> {
        ClaimParser.rejectUnknown(node, VOTE, "");
        String stance = ClaimParser.text(node, "stance", "", true, 16);
        if (!stance.equals("endorse") && !stance.equals("dispute")) {
          throw ApiException.invalid("stance", "must be endorse or dispute");
        }
        return new Vote(ClaimParser.assertionId(node, "assertionId"), ClaimParser.agent(node, "agent", "", limits),
            Stance.fromWireName(stance), index);
      }
      case "agent" -> {
        ClaimParser.rejectUnknown(node, AGENT, "");
        String agent = ClaimParser.agent(node, "agent", "", limits);
        if (!node.has("authority")) {
          throw ApiException.invalid("authority", "is required");
        }
        JsonNode a = ClaimParser.notNull(node, "authority", "");
        if (!a.isNumber() || a.decimalValue().compareTo(BigDecimal.ZERO) < 0 || Double.isInfinite(a.doubleValue())) {
          throw ApiException.invalid("authority", "must be a finite number >= 0");
        }
        String description = ClaimParser.text(node, "description", "", false, limits.maxSourceBytes());
        return new AgentSetting(agent, a.doubleValue() == 0 ? 0.0 : a.doubleValue(),
            description == null ? "" : description, index);
      }
      case "epoch" -> {
        ClaimParser.rejectUnknown(node, EPOCH, "");
        String subject = ClaimParser.text(node, "subject", "", true, limits.maxSubjectBytes());
        ClaimParser.noControlCharacters(subject, "subject");
        String reason = ClaimParser.text(node, "reason", "", false, limits.maxSourceBytes());
        String requestId = ClaimParser.text(node, "requestId", "", false, 128);
        return new EpochOpening(subject, reason == null ? "" : reason, requestId, index);
      }
      default -> throw ApiException.invalid("type", "must be assertion, retraction, vote, agent or epoch");
    }
  }

  private static long nonNegative(JsonNode node, String name) {
    if (!node.has(name)) {
      return 0;
    }
    JsonNode v = ClaimParser.notNull(node, name, "");
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
      throw ApiException.invalid(name, "must be a non-negative integer");
    }
    return v.longValue();
  }

  private static boolean bool(JsonNode node, String name) {
    if (!node.has(name)) {
      return false;
    }
    JsonNode v = ClaimParser.notNull(node, name, "");
    if (!v.isBoolean()) {
      throw ApiException.invalid(name, "must be true or false");
    }
    return v.booleanValue();
  }

  private static Set<String> union(Set<String> base, String... more) {
    Set<String> all = new HashSet<>(base);
    all.addAll(Set.of(more));
    return Set.copyOf(all);
  }
}
