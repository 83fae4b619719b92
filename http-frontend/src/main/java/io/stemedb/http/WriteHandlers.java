package io.stemedb.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.stemedb.raft.Proposal;
import io.stemedb.raft.StemeNode;
import io.stemedb.storage.Outcome;
import java.util.ArrayList;
import java.util.List;

/** {@code POST /v1/assertions}: one claim, or a batch applied all-or-nothing in one log entry. */
final class WriteHandlers {
  private final StemeNode node;
  private final ClaimParser parser;

  private final RateLimits rates;

  WriteHandlers(StemeNode node, Limits limits, RateLimits rates) {
    this.node = node;
    this.parser = new ClaimParser(limits);
    this.rates = rates;
  }

  void postAssertions(Context ctx) {
    ClaimParser.Parsed parsed = parser.parse(ctx.bodyAsBytes());
    java.util.Map<String, Long> perAgent = new java.util.TreeMap<>();
    for (Proposal.Claim c : parsed.claims()) {
      perAgent.merge(c.agent(), 1L, Long::sum);
    }
    perAgent.forEach(rates::admitAgent);
    List<Proposal> request = new ArrayList<>(parsed.claims());
    List<Outcome> outcomes = node.write(request);
    for (int i = 0; i < outcomes.size(); i++) {
      Outcome o = outcomes.get(i);
      String field = parsed.batch() ? "assertions[" + i + "]" : null;
      switch (o.status()) {
        case CONFLICT -> throw ApiException.conflict(field, o.message());
        case INVALID -> throw ApiException.invalid(field == null ? "" : field, o.message());
        default -> { }
      }
    }
    long index = outcomes.stream().mapToLong(Outcome::index).max().orElse(0);
    ctx.header(ApiServer.INDEX_HEADER, Long.toString(index));
    if (!parsed.batch()) {
      Outcome o = outcomes.get(0);
      boolean created = o.status() == Outcome.Status.CREATED;
      ctx.status(created ? 201 : 200);
      ctx.contentType("application/json").result(Json.write(Json.object()
          .put("id", o.id()).put("index", o.index()).put("epoch", o.epoch()).put("created", created)));
      return;
    }
    ObjectNode body = Json.object().put("index", index);
    ArrayNode results = Json.MAPPER.createArrayNode();
    int created = 0;
    for (Outcome o : outcomes) {
      boolean isNew = o.status() == Outcome.Status.CREATED;
      created += isNew ? 1 : 0;
      results.addObject().put("id", o.id()).put("index", o.index()).put("created", isNew);
    }
    body.put("created", created).set("results", results);
    ctx.status(200).contentType("application/json").result(Json.write(body));
  }
}
