package io.stemedb.http;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;
import io.stemedb.raft.NodeMetrics;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;

/**
 * The API's request metrics, in the node's registry. They are taken in Jetty's request log, which
 * runs once the response is complete, so the status and bytes are what the client received
 * (including errors and 429s) and the duration covers writing the body.
 */
final class HttpMetrics implements RequestLog {
  static final String ROUTE = "stemedb.route";
  static final String STARTED = "stemedb.started";

  private final NodeMetrics node;
  private final Counter requests;
  private final Histogram duration;
  private final Counter rateLimited;

  HttpMetrics(NodeMetrics node) {
    this.node = node;
    CollectorRegistry registry = node.registry();
    requests = Counter.build()
        .name("stemedb_http_requests_total")
        .help("HTTP requests answered, by method, route (the path template) and status.")
        .labelNames("method", "route", "status")
        .register(registry);
    duration = Histogram.build()
        .name("stemedb_http_request_duration_seconds")
        .help("Time from a request's arrival to the end of its response, by method and route.")
        .labelNames("method", "route")
        .buckets(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
        .register(registry);
    rateLimited = Counter.build()
        .name("stemedb_rate_limited_requests_total")
        .help("Requests refused with 429 by a rate limit: limit=endpoint (per route) or agent (claims per agent).")
        .labelNames("limit")
        .register(registry);
  }

  void rateLimited(String limit) {
    rateLimited.labels(limit).inc();
  }

  /** Marks the request's start, before anything else runs (so auth and rate-limit refusals count). */
  static void start(HttpServletRequest request) {
    request.setAttribute(STARTED, System.nanoTime());
  }

  @Override
  public void log(Request request, Response response) {
    Object route = request.getAttribute(ROUTE);
    Object started = request.getAttribute(STARTED);
    String r = route == null ? "unmatched" : route.toString();
    requests.labels(request.getMethod(), r, Integer.toString(response.getStatus())).inc();
    if (started instanceof Long t0) {
      duration.labels(request.getMethod(), r).observe((System.nanoTime() - t0) / 1e9);
    }
    node.bytesSent("http", response.getHttpChannel().getBytesWritten());
  }
}
