package io.stemedb.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.tools.StemeDbCli;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `cluster up --hosts` and `--node-prefix`, which the fault tests use to put each node on its own
 * address (in its own network namespace) and under a wrapper (faketime, env): the node binds and
 * advertises the address, runs under the wrapper with its pid still java's, and `start-node` keeps
 * the wrapper after a restart.
 */
class LocalClusterOptionsTest {
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  @TempDir Path dir;

  @AfterEach
  void down() {
    cli("cluster", "down", "--dir", dir.toString());
  }

  static int cli(String... args) {
    return new CommandLine(new StemeDbCli()).execute(args);
  }

  @Test
  void aNodeOnItsOwnLoopbackAddressUnderACommandPrefixKeepsBothAcrossARestart() throws Exception {
    int base = LocalClusterProcessTest.freeBase(1);
    assertThat(cli("cluster", "up", "--detach", "--dir", dir.toString(), "--base-port", Integer.toString(base), "--nodes", "1",
        "--hosts", "127.0.0.7", "--node-prefix", "n1=env FAULT_TEST_MARK=wrapped")).isZero();
    assertThat(Files.readString(dir.resolve("n1").resolve("stemedb.toml")))
        .contains("host = \"127.0.0.7\"").contains("raft_address = \"127.0.0.7:" + (base + 2) + "\"");
    assertThat(Files.readAllLines(dir.resolve("n1").resolve("command-prefix"))).containsExactly("env", "FAULT_TEST_MARK=wrapped");
    assertThat(health("127.0.0.7", base)).isEqualTo(200);
    assertThat(environment()).contains("FAULT_TEST_MARK=wrapped");

    assertThat(cli("cluster", "stop-node", "n1", "--dir", dir.toString())).isZero();
    assertThat(cli("cluster", "start-node", "n1", "--dir", dir.toString())).isZero();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (health("127.0.0.7", base) != 200 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(health("127.0.0.7", base)).isEqualTo(200);
    assertThat(environment()).as("the restarted node runs under the same prefix").contains("FAULT_TEST_MARK=wrapped");
  }

  @Test
  void hostsMustNameEveryNode() {
    assertThat(cli("cluster", "up", "--detach", "--dir", dir.toString(), "--base-port", "20000", "--nodes", "3",
        "--hosts", "127.0.0.7,127.0.0.8")).isNotZero();
  }

  /** The node's environment, from /proc: the pid in node.pid is java's, with the prefix's variables. */
  List<String> environment() throws Exception {
    long pid = Long.parseLong(Files.readString(dir.resolve("n1").resolve("node.pid")).trim());
    assertThat(ProcessHandle.of(pid).flatMap(h -> h.info().command()).orElse("")).endsWith("java");
    return List.of(new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")), StandardCharsets.UTF_8).split("\0"));
  }

  int health(String host, int port) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/health")).timeout(Duration.ofSeconds(3)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
