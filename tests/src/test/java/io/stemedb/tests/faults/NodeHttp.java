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

  /** The status of an answer that never left this machine: the node refused the connection. */
  public static final int REFUSED = -1;

  /**
   * The answer; {@link #REFUSED} as status when the connection was refused (nothing was sent, so a
   * write certainly did not happen); null on a timeout or a connection lost after sending (an
   * unknown outcome for a write).
   */
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
    } catch (java.net.ConnectException e) {
      return new Answer(REFUSED, e.toString());
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
