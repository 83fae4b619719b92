package io.stemedb.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick profile of issue 9's scenarios, each on three real node processes with a concurrent
 * workload, a leader sampler and every checker at the end (see docs/reliability.md). Each scenario
 * runs for tens of seconds; timings only shape the faults, the assertions are about behaviour.
 */
class FaultScenariosTest {
  @TempDir Path dir;

  static Workload.Config load() {
    return Workload.Config.standard();
  }

  static void assertPassed(Checks.Report r) {
    assertThat(r.passed()).as(r.text()).isTrue();
  }

  @Test
  void leaderIsolatedFromBothFollowers() throws Exception {
    assumeTrue(NetworkFabric.available(), "needs network namespaces (root, iproute2)");
    try (Scenario s = new Scenario("leader isolated", FaultCluster.threeNodes(dir, true).up())) {
      FaultCluster c = s.cluster();
      s.start(load());
      int leader = c.awaitLeader(Duration.ofSeconds(30));
      c.isolate(leader);
      Scenario.sleep(1500); // several election timeouts: the others elect, the old leader's lease runs out
      s.verdict(Checks.minority(List.of(Checks.probeMinority(c, leader)), Duration.ofSeconds(12)));
      int successor = c.awaitLeader(Duration.ofSeconds(30));
      assertThat(successor).as("a new leader on the majority side").isNotEqualTo(leader);
      Scenario.sleep(1000);
      c.healNetwork();
      Scenario.sleep(2000);
      assertPassed(s.finish());
    }
  }
}
