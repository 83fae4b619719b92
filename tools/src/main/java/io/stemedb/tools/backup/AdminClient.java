package io.stemedb.tools.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * HTTP to one node's admin endpoints, with the admin token from {@code --token} or
 * {@code STEMEDB_ADMIN_TOKEN}. An error answer becomes an exception carrying the contract's message.
 */
final class AdminClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http;
  private final String base;
  private final String token;

  AdminClient(String url, String token, java.nio.file.Path caCert) {
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.token = token != null ? token : System.getenv("STEMEDB_ADMIN_TOKEN");
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (caCert != null) {
      b.sslContext(trusting(caCert));
    }
    this.http = b.build();
  }

  /** TLS that trusts the cluster's own CA (the nodes' certificates are issued by it, see deploy/README.md). */
  private static javax.net.ssl.SSLContext trusting(java.nio.file.Path caCert) {
    try (InputStream in = java.nio.file.Files.newInputStream(caCert)) {
      java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
      trust.load(null, null);
      int n = 0;
      for (java.security.cert.Certificate c
          : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca-" + n++, c);
      }
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
      tls.init(null, tmf.getTrustManagers(), null);
      return tls;
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read the CA certificate " + caCert + ": " + e.getMessage(), e);
    }
  }

  String base() {
    return base;
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (token != null && !token.isEmpty()) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  JsonNode getJson(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(request(path).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    check(r.statusCode(), r.body(), path);
    return JSON.readTree(r.body());
  }

  /** A streamed GET (export): the caller reads and closes the body. */
  HttpResponse<InputStream> stream(String path) throws IOException, InterruptedException {
    HttpResponse<InputStream> r = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      try (InputStream in = r.body()) {
        check(r.statusCode(), new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), path);
      }
    }
    return r;
  }

  /** A streamed POST of NDJSON (import): returns the JSON answer. */
  JsonNode postNdjson(String path, HttpRequest.BodyPublisher body) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(request(path).header("Content-Type", "application/x-ndjson").POST(body).build(),
        HttpResponse.BodyHandlers.ofString());
    check(r.statusCode(), r.body(), path);
    return JSON.readTree(r.body());
  }

  private void check(int status, String body, String path) throws IOException {
    if (status / 100 == 2) {
      return;
    }
    String message = body;
    try {
      JsonNode e = JSON.readTree(body).path("error");
      if (e.has("message")) {
        message = e.path("code").asText() + ": " + e.path("message").asText();
      }
    } catch (IOException ignored) {
      // not the contract's error body: show it as it came
    }
    throw new IOException(base + path + " answered " + status + " " + message);
  }
}
