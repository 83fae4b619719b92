package io.stemedb.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.Set;

/**
 * {@code POST /v1/admin/rate-limit}: with {@code {}} shows the limits; with {@code {"agent": A,
 * "perSecond": N}} or {@code {"endpoint": "POST /v1/assertions", "perSecond": N}} changes one, live,
 * on this node, and shows the result.
 */
final class RateLimitHandler {
  private final RateLimits rates;

  RateLimitHandler(RateLimits rates) {
    this.rates = rates;
  }

  void handle(Context ctx) {
    byte[] body = ctx.bodyAsBytes();
    if (body.length > 0) {
      JsonNode b = ClaimParser.object(body, Set.of("agent", "endpoint", "perSecond"));
      if (b.has("agent") || b.has("endpoint")) {
        if (b.has("agent") == b.has("endpoint")) {
          throw ApiException.invalid("agent", "give either agent or endpoint, not both");
        }
        JsonNode n = b.has("perSecond") ? ClaimParser.notNull(b, "perSecond", "") : null;
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 1) {
          throw ApiException.invalid("perSecond", "must be an integer >= 1");
        }
        if (b.has("agent")) {
          String agent = ClaimParser.text(b, "agent", "", true, 128);
          ClaimParser.checkAgent(agent, "agent");
          rates.setAgent(agent, n.longValue());
        } else {
          String endpoint = ClaimParser.text(b, "endpoint", "", true, 256);
          if (!endpoint.matches("(GET|POST|PUT|DELETE) /[^ ]*")) {
            throw ApiException.invalid("endpoint", "must be a method and a route, e.g. \"POST /v1/assertions\"");
          }
          rates.setEndpoint(endpoint, n.longValue());
        }
      } else if (b.has("perSecond")) {
        throw ApiException.invalid("perSecond", "needs an agent or an endpoint");
      }
    }
    ctx.contentType("application/json").result(Json.write(Json.MAPPER.valueToTree(rates.describe())));
  }
}
