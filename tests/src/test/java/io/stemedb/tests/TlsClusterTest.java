package io.stemedb.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stemedb.tools.NodeSettings;
import io.stemedb.tools.RunningNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS end to end, on loopback with a CA made by the test ({@link TestCa}): nodes started from their
 * TOML settings as {@code stemedb server} starts them, HTTPS for the API, mutual TLS for Raft.
 */
class TlsClusterTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String CLAIM =
      "{\"subject\": \"customer:42\", \"predicate\": \"email\", \"value\": \"a@b.com\", \"agent\": \"crm\"}";

  @TempDir static Path dir;
  static TestCa ca;
  static TestCa rogueCa;
  static Cluster cluster;

  @BeforeAll
  static void threeNodesWithTls() throws Exception {
    ca = TestCa.create("stemedb-test-ca", dir);
    rogueCa = TestCa.create("rogue-ca", dir);
    cluster = Cluster.start(dir.resolve("good"), List.of(ca, ca, ca), ca.certFile());
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aClusterOverTlsElectsALeaderAndReplicatesAWriteMadeOverHttps() throws Exception {
    HttpClient client = client(List.of(ca));
    cluster.awaitReady(client, 0, 1, 2);

    HttpResponse<String> write = cluster.post(client, 0, CLAIM);
    assertThat(write.statusCode()).as(write.body()).isEqualTo(201);
    long index = JSON.readTree(write.body()).path("index").asLong();

    HttpResponse<String> read = cluster.get(client, 2, "/v1/resolve?subject=customer:42&predicate=email&minIndex=" + index);
    assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
    assertThat(JSON.readTree(read.body()).path("value").asText()).isEqualTo("a@b.com");

    // The operations CLI speaks HTTPS to the cluster, trusting its CA (--cacert).
    String url = "https://127.0.0.1:" + cluster.nodes.get(1).api().port();
    Path backup = dir.resolve("tls-backup");
    assertThat(OpsCluster.cli("backup", "--from", url, "--out", backup.toString(), "--cacert", ca.certFile().toString())
        .code()).isZero();
    assertThat(Files.readString(backup.resolve("records.ndjson"))).contains("\"subject\":\"customer:42\"");
    assertThat(OpsCluster.cli("backup", "--from", url, "--out", dir.resolve("untrusted").toString()).code())
        .as("without the CA the node's certificate is not trusted").isEqualTo(1);
  }

  @Test
  void plaintextClientsAndClientsThatDoNotTrustTheCaAreRefused() throws Exception {
    cluster.awaitReady(client(List.of(ca)), 0);
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    String port = Integer.toString(cluster.nodes.get(0).api().port());

    assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
    // The JDK's default trust store, and a client trusting another CA, both refuse the node's certificate.
    for (HttpClient untrusting : List.of(plain, client(List.of(rogueCa)))) {
      assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/health"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
          .satisfies(e -> assertThat(causedBy(e, SSLHandshakeException.class)).as(e.toString()).isTrue());
    }
  }

  /**
   * n3's certificate is signed by another CA. It trusts both CAs, so only its own identity is wrong:
   * n1 and n2 refuse its connections and it can never reach them (mutual TLS), so it never hears from
   * the leader n1 and n2 elect, and its writes fail.
   */
  @Test
  void aNodeWhoseCertificateIsSignedByAnotherCaCannotJoinTheRaftGroup() throws Exception {
    Path bundle = dir.resolve("both-cas.crt");
    Files.writeString(bundle, Files.readString(ca.certFile()) + Files.readString(rogueCa.certFile()));
    try (Cluster mixed = Cluster.start(dir.resolve("mixed"), List.of(ca, ca, rogueCa), ca.certFile(), bundle)) {
      HttpClient good = client(List.of(ca));
      HttpClient toRogue = client(List.of(rogueCa));
      mixed.awaitReady(good, 0, 1);
      assertThat(mixed.post(good, 0, CLAIM).statusCode()).isEqualTo(201);

      HttpResponse<String> refused = mixed.post(toRogue, 2, CLAIM.replace("a@b.com", "c@d.com"));
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
      HttpResponse<String> ready = mixed.get(toRogue, 2, "/ready");
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
      assertThat(JSON.readTree(ready.body()).path("leader").isNull()).as(ready.body()).isTrue();
    }
  }

  @Test
  void aMissingOrBadTlsFileStopsTheStartNamingTheSettingAndTheFile() throws Exception {
    Path scratch = Files.createDirectories(dir.resolve("bad"));
    TestCa.NodeFiles n1 = ca.issue("n1", scratch);
    TestCa.NodeFiles other = ca.issue("other", scratch);
    Path missing = scratch.resolve("missing.key");
    Path garbage = Files.writeString(scratch.resolve("garbage.crt"), "not a certificate\n");

    assertThatThrownBy(() -> startAlone(scratch, n1.cert(), missing))
        .hasMessageContaining("tls.key_file = " + missing + ": no such file");
    assertThatThrownBy(() -> startAlone(scratch, garbage, n1.key()))
        .hasMessageContaining("tls.cert_file = " + garbage + ": is not PEM");
    assertThatThrownBy(() -> startAlone(scratch, n1.cert(), other.key()))
        .hasMessageContaining("tls.key_file = " + other.key() + ": is not the private key of the certificate in tls.cert_file");
  }

  private static void startAlone(Path scratch, Path cert, Path key) throws Exception {
    int http = freePort();
    int raft = freePort();
    String toml = Cluster.toml("n1", scratch.resolve("data"), http, raft, cert, key, ca.certFile())
        + Cluster.peer("n1", raft, http);
    Path file = Files.writeString(scratch.resolve("n1.toml"), toml);
    RunningNode.start(NodeSettings.load(file, Map.of())).close();
    fail("started with " + cert + " and " + key);
  }

  /** Nodes n1..nK in this JVM; node i's certificate is issued by {@code issuers.get(i)}. */
  record Cluster(List<RunningNode> nodes) implements AutoCloseable {
    static Cluster start(Path dir, List<TestCa> issuers, Path caFile) throws Exception {
      return start(dir, issuers, caFile, caFile);
    }

    /** As above; the last node trusts {@code lastCaFile}. */
    static Cluster start(Path dir, List<TestCa> issuers, Path caFile, Path lastCaFile) throws Exception {
      Files.createDirectories(dir);
      int n = issuers.size();
      int[] http = new int[n];
      int[] raft = new int[n];
      StringBuilder peers = new StringBuilder();
      for (int i = 0; i < n; i++) {
        http[i] = freePort();
        raft[i] = freePort();
        peers.append(peer("n" + (i + 1), raft[i], http[i]));
      }
      List<RunningNode> nodes = new ArrayList<>();
      Cluster cluster = new Cluster(nodes);
      try {
        for (int i = 0; i < n; i++) {
          String id = "n" + (i + 1);
          TestCa.NodeFiles files = issuers.get(i).issue(id, dir);
          String toml = toml(id, dir.resolve(id), http[i], raft[i], files.cert(), files.key(),
              i == n - 1 ? lastCaFile : caFile) + peers;
          Path file = Files.writeString(dir.resolve(id + ".toml"), toml);
          nodes.add(RunningNode.start(NodeSettings.load(file, Map.of())));
        }
      } catch (Exception e) {
        cluster.close();
        throw e;
      }
      return cluster;
    }

    static String toml(String id, Path data, int http, int raft, Path cert, Path key, Path caFile) {
      return "[node]\nid = \"" + id + "\"\ndata_dir = \"" + data + "\"\n"
          + "[http]\nhost = \"127.0.0.1\"\nport = " + http + "\n"
          + "[raft]\nhost = \"127.0.0.1\"\nport = " + raft + "\nrequest_timeout_ms = 2000\n"
          + "[tls]\nenabled = true\ncert_file = \"" + cert + "\"\nkey_file = \"" + key + "\"\nca_file = \"" + caFile + "\"\n";
    }

    static String peer(String id, int raft, int http) {
      return "[[peers]]\nid = \"" + id + "\"\nraft_address = \"127.0.0.1:" + raft + "\"\nhttp_address = \"127.0.0.1:" + http
          + "\"\n";
    }

    void awaitReady(HttpClient client, int... nodeIndexes) throws Exception {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      for (int i : nodeIndexes) {
        while (true) {
          try {
            if (get(client, i, "/ready").statusCode() == 200) {
              break;
            }
          } catch (IOException e) {
            // not serving yet
          }
          if (System.nanoTime() > deadline) {
            fail("n" + (i + 1) + " not ready within 20 s");
          }
          Thread.sleep(100);
        }
      }
    }

    HttpResponse<String> post(HttpClient client, int node, String body) throws Exception {
      return client.send(HttpRequest.newBuilder(uri(node, "/v1/assertions")).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(HttpClient client, int node, String path) throws Exception {
      return client.send(HttpRequest.newBuilder(uri(node, path)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(int node, String path) {
      return URI.create("https://127.0.0.1:" + nodes.get(node).api().port() + path);
    }

    @Override
    public void close() throws IOException {
      for (RunningNode node : nodes) {
        node.close();
      }
    }
  }

  static HttpClient client(List<TestCa> trusted) throws Exception {
    return HttpClient.newBuilder().sslContext(TestCa.trusting(trusted)).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(3)).build();
  }

  static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
