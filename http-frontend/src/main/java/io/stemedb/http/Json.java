package io.stemedb.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stemedb.lenses.Resolution;
import io.stemedb.model.Assertion;
import io.stemedb.model.Timestamps;
import io.stemedb.model.Vote;
import java.util.List;

/** How records and answers look on the wire (api.md). */
final class Json {
  static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN).build();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** A stored canonical JSON value back as a JSON node. */
  static JsonNode value(String canonical) {
    try {
      return ClaimParser.STRICT.readTree(canonical);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored value is not JSON", e);
    }
  }

  static ObjectNode claim(Assertion a) {
    ObjectNode n = object()
        .put("id", a.id())
        .put("subject", a.subject())
        .put("predicate", a.predicate());
    n.set("value", value(a.value()));
    n.put("agent", a.agent())
        .put("confidence", a.confidence())
        .put("observedAt", Timestamps.format(a.observedAt()))
        .put("index", a.index())
        .put("epoch", a.epoch());
    if (a.source() != null) {
      n.put("source", a.source());
    }
    return n;
  }

  static ObjectNode assertionWithState(Assertion a, boolean retracted, List<Vote> votes) {
    ObjectNode n = claim(a).put("retracted", retracted);
    ArrayNode vs = n.putArray("votes");
    for (Vote v : votes) {
      vs.addObject().put("agent", v.agent()).put("stance", v.stance().wireName()).put("index", v.index());
    }
    return n;
  }

  static ObjectNode resolution(String subject, String predicate, long epoch, long index, Resolution r) {
    ObjectNode n = object().put("subject", subject).put("predicate", predicate).put("lens", r.lens().wireName())
        .put("epoch", epoch).put("index", index);
    if (r.winner() != null) {
      n.set("value", value(r.value()));
    }
    n.put("contested", r.contested()).put("candidates", r.candidates());
    if (r.winner() != null) {
      n.set("winner", claim(r.winner()));
      n.set("runnerUp", r.runnerUp() == null ? n.nullNode() : claim(r.runnerUp()));
    }
    n.putObject("explain").put("decidedBy", r.explain().decidedBy().wireName()).put("detail", r.explain().detail());
    if (r.values() != null) {
      ArrayNode values = n.putArray("values");
      for (Resolution.ValueSupport v : r.values()) {
        ObjectNode vn = values.addObject();
        vn.set("value", value(v.value()));
        vn.put("support", v.support());
        ArrayNode supporters = vn.putArray("supporters");
        for (Assertion s : v.supporters()) {
          supporters.addObject().put("agent", s.agent()).put("assertionId", s.id())
              .put("confidence", s.confidence()).put("observedAt", Timestamps.format(s.observedAt()));
        }
      }
    }
    return n;
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
