package io.stemedb.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.http.HttpContractTests;
import io.stemedb.tools.StemeDbCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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

  @Override
  protected List<String> urls() {
    return urls;
  }
}
