package io.stemedb.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.http.HttpContractTests;
import io.stemedb.tools.StemeDbCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The whole HTTP contract suite against a cluster started the way users start it: `stemedb cluster up`,
 * three node processes on free ports, requests through followers forwarded to the leader.
 */
class ProcessClusterContractTest extends HttpContractTests {
  private Path dir;
  private List<String> urls;

  @BeforeAll
  void clusterUp() throws Exception {
    dir = Files.createTempDirectory("stemedb-contract");
    int base = LocalClusterProcessTest.freeBase();
    int rc = new CommandLine(new StemeDbCli())
        .execute("cluster", "up", "--detach", "--dir", dir.toString(), "--base-port", Integer.toString(base));
    assertThat(rc).as("cluster up").isZero();
    urls = List.of("http://127.0.0.1:" + base, "http://127.0.0.1:" + (base + 100), "http://127.0.0.1:" + (base + 200));
    awaitAnyLeader();
  }

  @AfterAll
  void clusterDown() {
    new CommandLine(new StemeDbCli()).execute("cluster", "down", "--dir", dir.toString());
  }

  /**
   * Ratis continues each follower append with a CompletableFuture *Async call and no executor; with
   * a common pool of parallelism 1 (any 2-core machine) the JDK ran each on a new thread. The node
   * command sizes the common pool so that 300 writes through a follower start a handful of threads,
   * not hundreds.
   */
  @Test
  void followersDoNotStartAThreadPerWrite() throws Exception {
    String leader = "http://" + sendTo(urls.get(0), "GET", "/v1/admin/cluster/status", null, null).body()
        .path("leader").path("httpAddress").asText();
    String follower = urls.stream().filter(u -> !u.equals(leader)).findFirst().orElseThrow();
    double before = threadsStarted(follower);
    for (int i = 0; i < 300; i++) {
      Reply r = sendTo(follower, "POST", "/v1/assertions", "application/json",
          "{\"subject\":\"threads-" + i + "\",\"predicate\":\"p\",\"value\":" + i
              + ",\"agent\":\"a\",\"confidence\":0.5,\"observedAt\":\"2026-11-01T10:00:00Z\"}");
      assertThat(r.status()).as("write %d through %s: %s", i, follower, r.body()).isEqualTo(201);
    }
    double started = threadsStarted(follower) - before;
    assertThat(started).as("threads the follower %s started during 300 writes", follower).isLessThan(60);
  }

  /** jvm_threads_started_total from the node's /metrics (Prometheus text, so not through sendTo's JSON). */
  private double threadsStarted(String url) throws Exception {
    var reply = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    return reply.body().lines().filter(l -> l.startsWith("jvm_threads_started_total "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1).trim())).findFirst().orElseThrow();
  }

  @Override
  protected List<String> urls() {
    return urls;
  }
}
