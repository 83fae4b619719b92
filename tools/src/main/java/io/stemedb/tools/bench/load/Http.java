package io.stemedb.tools.bench.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The benchmark's HTTP client: blocking calls, one at a time per worker thread, over keep-alive
 * connections. Two implementations, chosen with {@code --client}, because which one costs the client
 * less CPU per request was measured rather than assumed (docs/benchmarks.md).
 */
public abstract class Http implements AutoCloseable {
  /** Status 0 stands for "no HTTP answer" (connection refused or reset, timeout). */
  public static final int NO_ANSWER = 0;

  /**
   * An answer; {@code status} is {@link #NO_ANSWER} when the exchange failed below HTTP.
   * {@code retryAfter} is the Retry-After header or null (the failover figures check that a 503 has one).
   */
  public record Reply(int status, byte[] body, String retryAfter) {
    public Reply(int status, byte[] body) {
      this(status, body, null);
    }

    public boolean ok() {
      return status >= 200 && status < 300;
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  public enum Client { JDK, URLCONNECTION }

  protected final String token;
  protected final Duration timeout;

  private Http(String token, Duration timeout) {
    this.token = token;
    this.timeout = timeout;
  }

  /**
   * A client for up to {@code connections} concurrent callers. {@code token}, when not null, is sent
   * as the bearer token on every request.
   */
  public static Http create(Client client, int connections, String token, Duration timeout) {
    return client == Client.JDK ? new Jdk(token, timeout) : new UrlConnection(connections, token, timeout);
  }

  public Reply get(URI uri) {
    return exchange("GET", uri, null);
  }

  public Reply post(URI uri, byte[] json) {
    return exchange("POST", uri, json);
  }

  /** Never throws for a failed exchange: an error must be counted, not abort a run. */
  private Reply exchange(String method, URI uri, byte[] json) {
    try {
      return send(method, uri, json);
    } catch (IOException e) {
      return new Reply(NO_ANSWER, new byte[0]);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply(NO_ANSWER, new byte[0]);
    }
  }

  protected abstract Reply send(String method, URI uri, byte[] json) throws IOException, InterruptedException;

  @Override
  public void close() {}

  /** java.net.http: one shared client; its own work (selector, body handling) on a small fixed pool. */
  private static final class Jdk extends Http {
    private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "http-load-client");
      t.setDaemon(true);
      return t;
    });
    private final HttpClient client;

    Jdk(String token, Duration timeout) {
      super(token, timeout);
      client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
          .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    protected Reply send(String method, URI uri, byte[] json) throws IOException, InterruptedException {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
      if (json == null) {
        b.GET();
      } else {
        b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(json));
      }
      if (token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Reply(r.statusCode(), r.body(), r.headers().firstValue("Retry-After").orElse(null));
    }

    @Override
    public void close() {
      executor.shutdownNow();
    }
  }

  /** HttpURLConnection: the caller's thread does all the work; the JDK's keep-alive cache reuses sockets. */
  private static final class UrlConnection extends Http {
    UrlConnection(int connections, String token, Duration timeout) {
      super(token, timeout);
      // The keep-alive cache keeps only 5 idle sockets per server by default (read once, when the cache
      // class loads); beyond that every request would open a new TCP connection.
      String max = System.getProperty("http.maxConnections");
      if (max == null || Integer.parseInt(max) < connections) {
        System.setProperty("http.maxConnections", Integer.toString(Math.max(connections, 5)));
      }
    }

    @Override
    protected Reply send(String method, URI uri, byte[] json) throws IOException {
      HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
      c.setRequestMethod(method);
      c.setConnectTimeout(5_000);
      c.setReadTimeout((int) timeout.toMillis());
      if (token != null) {
        c.setRequestProperty("Authorization", "Bearer " + token);
      }
      if (json != null) {
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        c.setFixedLengthStreamingMode(json.length);
        try (OutputStream out = c.getOutputStream()) {
          out.write(json);
        }
      }
      int status = c.getResponseCode();
      // Reading the body to its end (error bodies too) is what returns the socket to the keep-alive cache.
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      return new Reply(status, in == null ? new byte[0] : readAll(in), c.getHeaderField("Retry-After"));
    }

    private static byte[] readAll(InputStream in) throws IOException {
      try (in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        in.transferTo(out);
        return out.toByteArray();
      }
    }
  }
}
