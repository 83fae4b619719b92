package io.stemedb.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.stemedb.model.AgentSetting;
import io.stemedb.model.Stance;
import io.stemedb.raft.Proposal;
import io.stemedb.raft.StemeNode;
import io.stemedb.storage.Change;
import io.stemedb.storage.Outcome;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/** Retractions, votes, agents and epochs: every write but claims, and the agent reads. */
final class ChangeHandlers {
  private final StemeNode node;
  private final Limits limits;

  ChangeHandlers(StemeNode node, Limits limits) {
    this.node = node;
    this.limits = limits;
  }

  /** POST /v1/retractions {"assertionId", "agent", "force"?}: 201 new, 200 repeated. */
  void retract(Context ctx) {
    JsonNode body = ClaimParser.object(ctx.bodyAsBytes(), Set.of("assertionId", "agent", "force"));
    String id = ClaimParser.assertionId(body, "assertionId");
    String agent = ClaimParser.agent(body, "agent", "", limits);
    boolean force = false;
    if (body.has("force")) {
      JsonNode f = ClaimParser.notNull(body, "force", "");
      if (!f.isBoolean()) {
        throw ApiException.invalid("force", "must be true or false");
      }
      force = f.booleanValue();
    }
    if (force && !Auth.isAdmin(ctx)) {
      throw ApiException.forbidden("force", "only an admin (the admin token) may force a retraction");
    }
    Outcome o = apply(new Change.Retract(id, agent, force), "assertionId");
    respond(ctx, o, Json.object().put("assertionId", id).put("agent", agent));
  }

  /** POST /v1/votes {"assertionId", "agent", "stance"}: 201 new or changed, 200 the same vote again. */
  void vote(Context ctx) {
    JsonNode body = ClaimParser.object(ctx.bodyAsBytes(), Set.of("assertionId", "agent", "stance"));
    String id = ClaimParser.assertionId(body, "assertionId");
    String agent = ClaimParser.agent(body, "agent", "", limits);
    String stanceText = ClaimParser.text(body, "stance", "", true, 16);
    Stance stance;
    try {
      stance = Stance.fromWireName(stanceText);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("stance", "must be endorse or dispute");
    }
    Outcome o = apply(new Change.CastVote(id, agent, stance), "assertionId");
    respond(ctx, o, Json.object().put("assertionId", id).put("agent", agent).put("stance", stance.wireName()));
  }

  /** PUT /v1/admin/agents/{agent} {"authority", "description"?}: 200 whether or not it changed. */
  void putAgent(Context ctx) {
    String agent = pathAgent(ctx);
    JsonNode body = ClaimParser.object(ctx.bodyAsBytes(), Set.of("authority", "description"));
    if (!body.has("authority")) {
      throw ApiException.invalid("authority", "is required (a number >= 0)");
    }
    JsonNode a = ClaimParser.notNull(body, "authority", "");
    if (!a.isNumber() || a.decimalValue().compareTo(BigDecimal.ZERO) < 0 || Double.isInfinite(a.doubleValue())) {
      throw ApiException.invalid("authority", "must be a number >= 0");
    }
    String description = body.has("description") ? ClaimParser.text(body, "description", "", false, 2048) : "";
    Outcome o = apply(new Change.SetAgent(agent, a.doubleValue(), description), "agent");
    ctx.header(ApiServer.INDEX_HEADER, Long.toString(o.index()));
    ctx.status(200).contentType("application/json").result(Json.write(Json.object().put("agent", agent)
        .put("authority", a.doubleValue()).put("description", description).put("index", o.index())
        .put("changed", o.status() == Outcome.Status.CREATED)));
  }

  /** POST /v1/admin/epochs {"subject", "reason"?}; an Idempotency-Key header makes a retry a no-op. */
  void openEpoch(Context ctx) {
    JsonNode body = ClaimParser.object(ctx.bodyAsBytes(), Set.of("subject", "reason"));
    String subject = ClaimParser.text(body, "subject", "", true, limits.maxSubjectBytes());
    ClaimParser.noControlCharacters(subject, "subject");
    String reason = body.has("reason") ? ClaimParser.text(body, "reason", "", false, 2048) : "";
    String key = ctx.header("Idempotency-Key");
    if (key != null && (key.isEmpty() || key.length() > 128)) {
      throw ApiException.invalid("Idempotency-Key", "must be 1 to 128 characters");
    }
    if (key != null) {
      ClaimParser.noControlCharacters(key, "Idempotency-Key");
    }
    Outcome o = apply(new Change.OpenEpoch(subject, reason, key), "subject");
    ctx.header(ApiServer.INDEX_HEADER, Long.toString(o.index()));
    ctx.status(o.status() == Outcome.Status.CREATED ? 201 : 200).contentType("application/json")
        .result(Json.write(Json.object().put("subject", subject).put("epoch", o.epoch()).put("index", o.index())));
  }

  /** GET /v1/agents: every configured agent's current setting. */
  void agents(Context ctx) throws TimeoutException {
    Params p = new Params(ctx);
    StemeNode.Read<ObjectNode> read = node.read(p.consistency(), 0, p.maxLagMs(), p.timeout(), (store, at) -> {
      ObjectNode out = Json.object();
      ArrayNode list = out.putArray("agents");
      for (AgentSetting s : store.agents(at)) {
        list.add(agentJson(s));
      }
      return out;
    });
    ctx.header(ApiServer.INDEX_HEADER, Long.toString(read.index()));
    ctx.contentType("application/json").result(Json.write(read.value()));
  }

  /** GET /v1/agents/{agent}: 404 for an agent never configured. */
  void agent(Context ctx) throws TimeoutException {
    String name = pathAgent(ctx);
    Params p = new Params(ctx);
    StemeNode.Read<ObjectNode> read = node.read(p.consistency(), 0, p.maxLagMs(), p.timeout(), (store, at) ->
        agentJson(store.agent(name, at).orElseThrow(() -> ApiException.notFound("agent " + name + " was never configured"))));
    ctx.header(ApiServer.INDEX_HEADER, Long.toString(read.index()));
    ctx.contentType("application/json").result(Json.write(read.value()));
  }

  /** The {agent} of the path, checked as in a body (a read checks it the same way as a write). */
  private String pathAgent(Context ctx) {
    String agent = ctx.pathParam("agent");
    if (agent.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > limits.maxAgentBytes()) {
      throw ApiException.invalid("agent", "is longer than " + limits.maxAgentBytes() + " bytes");
    }
    ClaimParser.checkAgent(agent, "agent");
    return agent;
  }

  private static ObjectNode agentJson(AgentSetting s) {
    return Json.object().put("agent", s.agent()).put("authority", s.authority()).put("description", s.description())
        .put("index", s.index());
  }

  /** Applies one change and turns a rejection into the contract's error. */
  private Outcome apply(Change change, String field) {
    Outcome o = node.write(List.of(new Proposal.Other(change))).get(0);
    switch (o.status()) {
      case NOT_FOUND -> throw ApiException.notFound(o.message());
      case FORBIDDEN -> throw ApiException.forbidden("agent", o.message());
      case INVALID -> throw ApiException.invalid(field, o.message());
      case CONFLICT -> throw ApiException.conflict(field, o.message());
      default -> {
        return o;
      }
    }
  }

  private static void respond(Context ctx, Outcome o, ObjectNode body) {
    ctx.header(ApiServer.INDEX_HEADER, Long.toString(o.index()));
    boolean created = o.status() == Outcome.Status.CREATED;
    ctx.status(created ? 201 : 200).contentType("application/json")
        .result(Json.write(body.put("index", o.index()).put("created", created)));
  }
}
