package io.stemedb.http;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Request rate limits, on by default: per endpoint (method and route) and per agent (claims per second
 * an agent may write), token buckets from Bucket4j. A refused request gets 429 with {@code Retry-After}.
 * Limits are changed live through {@code POST /v1/admin/rate-limit}; changing one starts a fresh bucket.
 * They are per node: a cluster of n nodes admits up to n times the limit.
 */
public final class RateLimits {
  /** Requests per second per endpoint, and claims per second per agent, unless configured. */
  public static final long DEFAULT_ENDPOINT_PER_SECOND = 5_000;
  public static final long DEFAULT_AGENT_PER_SECOND = 2_000;

  private final long endpointDefault;
  private final long agentDefault;
  private final Map<String, Long> endpointLimits = new ConcurrentHashMap<>();
  private final Map<String, Long> agentLimits = new ConcurrentHashMap<>();
  private final Map<String, Bucket> endpointBuckets = new ConcurrentHashMap<>();
  private final Map<String, Bucket> agentBuckets = new ConcurrentHashMap<>();

  public RateLimits(long endpointPerSecond, long agentPerSecond) {
    this.endpointDefault = endpointPerSecond;
    this.agentDefault = agentPerSecond;
  }

  public static RateLimits defaults() {
    return new RateLimits(DEFAULT_ENDPOINT_PER_SECOND, DEFAULT_AGENT_PER_SECOND);
  }

  /** Told of every refusal, with the kind of limit ("endpoint" or "agent"); for the metrics. */
  private volatile java.util.function.Consumer<String> refusals = kind -> { };

  void onRefusal(java.util.function.Consumer<String> listener) {
    this.refusals = listener;
  }

  /** One request on {@code endpoint} ("POST /v1/assertions"), or 429. */
  void admitRequest(String endpoint) {
    take(endpointBuckets.computeIfAbsent(endpoint, e -> bucket(endpointLimits.getOrDefault(e, endpointDefault))), 1,
        "endpoint", "endpoint " + endpoint);
  }

  /** {@code claims} writes by {@code agent}, or 429. */
  void admitAgent(String agent, long claims) {
    take(agentBuckets.computeIfAbsent(agent, a -> bucket(agentLimits.getOrDefault(a, agentDefault))), claims,
        "agent", "agent " + agent);
  }

  void setEndpoint(String endpoint, long perSecond) {
    endpointLimits.put(endpoint, perSecond);
    endpointBuckets.remove(endpoint);
  }

  void setAgent(String agent, long perSecond) {
    agentLimits.put(agent, perSecond);
    agentBuckets.remove(agent);
  }

  /** The defaults and every explicit limit (what the admin endpoint shows). */
  Map<String, Object> describe() {
    Map<String, Object> out = new TreeMap<>();
    out.put("endpointDefaultPerSecond", endpointDefault);
    out.put("agentDefaultPerSecond", agentDefault);
    out.put("endpoints", new TreeMap<>(endpointLimits));
    out.put("agents", new TreeMap<>(agentLimits));
    return out;
  }

  private static Bucket bucket(long perSecond) {
    long capacity = Math.max(1, perSecond);
    return Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, Duration.ofSeconds(1)).build())
        .build();
  }

  private void take(Bucket bucket, long tokens, String kind, String what) {
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(tokens);
    if (!probe.isConsumed()) {
      refusals.accept(kind);
      long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
      throw ApiException.rateLimited("rate limit of " + what + " exceeded; retry after " + seconds + " s", seconds);
    }
  }
}
