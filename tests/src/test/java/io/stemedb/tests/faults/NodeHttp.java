package io.stemedb.tests.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** Plain HTTP to the nodes with bounded timeouts; {@code null}/empty when a node does not answer in time. */
public final class NodeHttp {
  public static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  /** A status and body. */
  public record Answer(int status, String body) {
    public boolean ok() {
      return status == 200 || status == 201;
    }

    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }
  }

  /** The answer, or null on timeout or a lost connection (an unknown outcome for a write). */
  public Answer send(String url, String method, String body, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  public Answer get(String url, Duration timeout) {
    return send(url, "GET", null, timeout);
  }

  public Answer post(String url, String body, Duration timeout) {
    return send(url, "POST", body, timeout);
  }

  /** A GET answered 200, as JSON. */
  public Optional<JsonNode> json(String url, Duration timeout) {
    Answer a = get(url, timeout);
    return a != null && a.status() == 200 ? Optional.of(a.json()) : Optional.empty();
  }
}
