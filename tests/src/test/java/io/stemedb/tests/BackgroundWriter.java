package io.stemedb.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Posts one claim after another over HTTP for as long as it runs, each to the next node in turn, and
 * remembers which the cluster acknowledged. A write answered 503, 504 or lost with its connection has
 * an unknown outcome: it is sent again, identical (so at most once applied), to the next node, and
 * counted as a failure by kind. {@link #longestStall()} is the longest time without an acknowledgement.
 */
final class BackgroundWriter implements AutoCloseable {
  static final String SUBJECT = "shell-test";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant OBSERVED_BASE = Instant.parse("2026-01-01T00:00:00Z");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final IntFunction<String> baseUrl;
  private final int nodes;
  private final Thread thread;
  private volatile boolean running = true;
  private final Set<String> acknowledged = new ConcurrentSkipListSet<>();
  private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
  private final AtomicLong longestStallNanos = new AtomicLong();
  private volatile Instant longestStallEnded;

  /** {@code baseUrl.apply(k)} is node k's {@code http://host:port}, k = 1..nodes. */
  BackgroundWriter(IntFunction<String> baseUrl, int nodes) {
    this.baseUrl = baseUrl;
    this.nodes = nodes;
    this.thread = new Thread(this::run, "background-writer");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    long lastAck = System.nanoTime();
    int node = 0;
    for (int i = 0; running; i++) {
      // observedAt is explicit, so a resent claim has the same id as the first attempt
      String body = "{\"subject\":\"" + SUBJECT + "\",\"predicate\":\"seq\",\"value\":" + i
          + ",\"agent\":\"writer\",\"observedAt\":\"" + OBSERVED_BASE.plusMillis(i) + "\"}";
      while (running) {
        node = node % nodes + 1;
        String outcome = post(node, body);
        if (outcome.startsWith("id:")) {
          acknowledged.add(outcome.substring(3));
          long now = System.nanoTime();
          if (now - lastAck > longestStallNanos.get()) {
            longestStallNanos.set(now - lastAck);
            longestStallEnded = Instant.now();
          }
          lastAck = now;
          break;
        }
        failures.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
        System.out.println(Instant.now() + " writer: claim " + i + " on n" + node + ": " + outcome); // beside the test's steps
        pause(100);
      }
      pause(20); // a steady trickle: the point is continuity, and two cores also run four nodes and ratis-shell
    }
  }

  /** "id:<id>" when acknowledged (201, or 200 for a resent claim that had committed), else the failure's kind. */
  private String post(int node, String body) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl.apply(node) + "/v1/assertions"))
          .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 201 || r.statusCode() == 200) {
        JsonNode answer = JSON.readTree(r.body());
        return "id:" + answer.get("id").asText();
      }
      return "status " + r.statusCode();
    } catch (java.net.ConnectException e) {
      return "connection refused";
    } catch (IOException e) {
      return "io " + e.getClass().getSimpleName();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
      return "interrupted";
    }
  }

  private void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  Set<String> acknowledged() {
    return Set.copyOf(acknowledged);
  }

  /** Failed attempts by kind ("status 503", "connection refused", ...). */
  Map<String, Integer> failures() {
    Map<String, Integer> out = new java.util.TreeMap<>();
    failures.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  Duration longestStall() {
    return Duration.ofNanos(longestStallNanos.get());
  }

  /** When the longest stall ended (null before the first acknowledgement after one). */
  Instant longestStallEnded() {
    return longestStallEnded;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(30_000);
  }
}
