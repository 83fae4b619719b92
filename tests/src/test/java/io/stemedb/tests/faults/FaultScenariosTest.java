package io.stemedb.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
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

  @Test
  void leaderKillRotationUnderLoad() throws Exception {
    try (Scenario s = new Scenario("leader kill -9 rotation", FaultCluster.threeNodes(dir, false).up())) {
      FaultCluster c = s.cluster();
      s.start(load());
      List<Integer> killed = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        int leader = c.awaitLeader(Duration.ofSeconds(60));
        killed.add(leader);
        c.kill9(leader);
        Scenario.sleep(2500);
        c.restart(leader);
        c.awaitReady(leader, Duration.ofSeconds(90));
        Scenario.sleep(1000);
      }
      System.out.println("killed leaders in turn: " + killed);
      assertPassed(s.finish());
    }
  }

  @Test
  void restartOfAllThreeNodesAtOnceUnderLoad() throws Exception {
    try (Scenario s = new Scenario("all three restarted", FaultCluster.threeNodes(dir, false).up())) {
      FaultCluster c = s.cluster();
      s.start(load());
      Scenario.sleep(2000);
      for (int k = 1; k <= 3; k++) {
        c.kill9(k);
      }
      Scenario.sleep(1000);
      for (int k = 1; k <= 3; k++) {
        c.restart(k);
      }
      c.awaitLeader(Duration.ofSeconds(90));
      Scenario.sleep(3000);
      assertPassed(s.finish());
    }
  }

  @Test
  void followerKilledDuringSnapshotInstallation() throws Exception {
    // Small log segments, a snapshot every 100 entries and purges 4 entries apart: a follower that is
    // down for a few hundred entries finds the leader's log purged and must install a snapshot.
    FaultCluster cluster = FaultCluster.threeNodes(dir, false);
    for (int k = 1; k <= 3; k++) {
      cluster.extraPrefix(k, List.of("env", "STEMEDB_RAFT_SNAPSHOT_EVERY_ENTRIES=100",
          "JAVA_TOOL_OPTIONS=-Draft.server.log.segment.size.max=64KB", "JDK_JAVA_OPTIONS=-Draft.server.log.purge.gap=4"));
    }
    try (Scenario s = new Scenario("follower killed installing a snapshot", cluster.up())) {
      FaultCluster c = s.cluster();
      s.start(load());
      int leader = c.awaitLeader(Duration.ofSeconds(30));
      int follower = leader % 3 + 1;
      c.kill9(follower);
      ballast(c, leader, 150);
      System.out.println("leader before the restart: " + c.status(leader).map(Object::toString).orElse("?"));
      c.restart(follower);
      boolean caught = awaitLog(c, follower, "installing a snapshot", Duration.ofSeconds(120));
      boolean finished = c.log(follower).contains("installed snapshot");
      c.kill9(follower);
      assertThat(caught).as("n%d began installing a snapshot after its restart:%n%s", follower, c.logTail(follower, 30)).isTrue();
      System.out.println("killed n" + follower + (finished ? " just after" : " during") + " its snapshot installation");
      Scenario.sleep(1000);
      c.restart(follower);
      c.awaitReady(follower, Duration.ofSeconds(90));
      Scenario.sleep(2000);
      assertPassed(s.finish());
    }
  }

  /** Batches of filler claims (~6 KB a Raft entry) through one node: log for snapshots and purges. */
  static void ballast(FaultCluster c, int node, int batches) {
    long run = System.nanoTime();
    for (int b = 0; b < batches; b++) {
      StringBuilder body = new StringBuilder("{\"assertions\":[");
      for (int i = 0; i < 20; i++) {
        body.append(i == 0 ? "" : ",").append("{\"subject\":\"ballast:").append(run).append(':').append(b).append("\",\"predicate\":\"p").append(i)
            .append("\",\"value\":\"").append("x".repeat(200)).append("\",\"agent\":\"ballast\"}");
      }
      c.http().post(c.url(node) + "/v1/assertions", body.append("]}").toString(), Duration.ofSeconds(10));
    }
  }

  static boolean awaitLog(FaultCluster c, int node, String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (c.log(node).contains(text)) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  @Test
  void symmetricAndFlappingPartitions() throws Exception {
    assumeTrue(NetworkFabric.available(), "needs network namespaces (root, iproute2)");
    try (Scenario s = new Scenario("symmetric and flapping partitions", FaultCluster.threeNodes(dir, true).up())) {
      FaultCluster c = s.cluster();
      s.start(load());
      int leader = c.awaitLeader(Duration.ofSeconds(30));
      int follower = leader % 3 + 1;
      // the leader and one follower cannot talk; the third node still reaches both
      c.partition(leader, follower);
      Scenario.sleep(3000);
      c.healNetwork();
      Scenario.sleep(1500);
      // a clean split: one follower alone, the other two together
      c.isolate(follower);
      Scenario.sleep(1500);
      s.verdict(Checks.minority(List.of(Checks.probeMinority(c, follower)), Duration.ofSeconds(12)));
      c.healNetwork();
      Scenario.sleep(1500);
      // flapping: every second a new random cut, an isolation, or a heal
      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (int i = 0; i < 10; i++) {
        c.healNetwork();
        switch (random.nextInt(3)) {
          case 0 -> {
            int a = 1 + random.nextInt(3);
            c.partition(a, a % 3 + 1);
          }
          case 1 -> c.isolate(1 + random.nextInt(3));
          default -> { }
        }
        Scenario.sleep(1000);
      }
      c.healNetwork();
      c.awaitLeader(Duration.ofSeconds(60));
      Scenario.sleep(2000);
      assertPassed(s.finish());
    }
  }

  @Test
  void leaderPausedPastTheElectionTimeoutThenResumed() throws Exception {
    try (Scenario s = new Scenario("leader paused and resumed", FaultCluster.threeNodes(dir, false).up())) {
      FaultCluster c = s.cluster();
      s.start(load());
      int old = c.awaitLeader(Duration.ofSeconds(30));
      c.pause(old);
      Scenario.sleep(3000); // ten election timeouts
      int successor = c.awaitLeader(Duration.ofSeconds(30));
      assertThat(successor).isNotEqualTo(old);
      // A value the new leader commits while the old one sleeps: the old one must never answer a
      // leader or linearizable read without it once it wakes up (its lease ran out long ago).
      String subject = "paused:" + System.nanoTime();
      NodeHttp.Answer w = c.http().post(c.url(successor) + "/v1/assertions",
          "{\"subject\":\"" + subject + "\",\"predicate\":\"p\",\"value\":\"new\",\"agent\":\"probe\"}", Duration.ofSeconds(15));
      assertThat(w).isNotNull();
      assertThat(w.status()).as(w.body()).isEqualTo(201);
      List<java.util.concurrent.CompletableFuture<NodeHttp.Answer>> reads = new ArrayList<>();
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
      for (int i = 0; i < 8; i++) {
        String consistency = i % 2 == 0 ? "leader" : "linearizable";
        reads.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> c.http().get(c.url(old) + "/v1/resolve?subject="
            + subject + "&predicate=p&consistency=" + consistency, Duration.ofSeconds(20)), pool));
      }
      Scenario.sleep(300); // the reads wait in the paused node's socket backlog
      c.resume(old);
      List<String> stale = new ArrayList<>();
      for (var f : reads) {
        NodeHttp.Answer a = f.join();
        if (a != null && a.status() != 503 && a.status() != 504
            && !(a.status() == 200 && a.json().get("value").asText().equals("new"))) {
          stale.add(a.status() + " " + a.body());
        }
      }
      pool.shutdown();
      s.verdict(new Checks.Verdict("deposed leader", stale, "reads sent to n" + old + " while paused, answered after it woke"));
      Scenario.sleep(2000);
      assertPassed(s.finish());
    }
  }

  @Test
  void oneNodesClockSkewedBySeconds() throws Exception {
    assumeTrue(ClockSkew.available(), "needs libfaketime (Debian package faketime)");
    try (Scenario s = new Scenario("clock skew", FaultCluster.threeNodes(dir, false).up())) {
      FaultCluster c = s.cluster();
      s.start(load());
      // The leader comes back with its wall clock 7 s ahead and is made leader again.
      int skewed = c.awaitLeader(Duration.ofSeconds(30));
      c.kill9(skewed);
      c.extraPrefix(skewed, ClockSkew.prefix(7));
      c.fault("n" + skewed + " clock +7 s");
      c.restart(skewed);
      c.awaitReady(skewed, Duration.ofSeconds(90));
      transferLeadership(c, skewed);
      // Proof that the skew took: a claim without observedAt gets the leader's clock.
      NodeHttp.Answer w = c.http().post(c.url(skewed) + "/v1/assertions",
          "{\"subject\":\"skew:" + System.nanoTime() + "\",\"predicate\":\"p\",\"value\":1,\"agent\":\"probe\"}", Duration.ofSeconds(15));
      assertThat(w).isNotNull();
      JsonNode stored = c.http().json(c.url(skewed) + "/v1/assertions/" + w.json().get("id").asText(), Duration.ofSeconds(5)).orElseThrow();
      Instant observed = Instant.parse(stored.get("observedAt").asText());
      assertThat(observed).as("the skewed leader's clock").isAfter(Instant.now().plusSeconds(4));
      Scenario.sleep(5000); // load with lease reads on the skewed leader
      // and a follower 7 s behind
      int behind = skewed % 3 + 1;
      c.kill9(behind);
      c.extraPrefix(behind, ClockSkew.prefix(-7));
      c.fault("n" + behind + " clock -7 s");
      c.restart(behind);
      c.awaitReady(behind, Duration.ofSeconds(90));
      // The node measures its offset from the leader's clock (stemedb_clock_offset_seconds, every 5 s):
      // 14 s behind the skewed leader. The lease is unaffected: Ratis times it on the monotonic clock.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      double offset = 0;
      while (System.nanoTime() < deadline && offset > -10) {
        offset = c.metric(behind, "stemedb_clock_offset_seconds").orElse(0.0);
        Thread.sleep(500);
      }
      s.verdict(new Checks.Verdict("skew detected", offset <= -10 ? List.of() : List.of("stemedb_clock_offset_seconds on n"
          + behind + " is " + offset + ", not about -14"), "n" + behind + " offset " + offset + " s"));
      Scenario.sleep(2000);
      assertPassed(s.finish());
    }
  }

  static void transferLeadership(FaultCluster c, int to) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (c.status(to).map(j -> j.path("role").asText().equals("primary")).orElse(false)) {
        return;
      }
      int leader = c.awaitLeader(Duration.ofSeconds(30));
      c.http().post(c.url(leader) + "/v1/admin/cluster/transfer-leadership", "{\"to\":\"n" + to + "\"}", Duration.ofSeconds(15));
      Thread.sleep(500);
    }
    throw new AssertionError("n" + to + " did not become leader");
  }

  /** Small Raft log segments, so a full or failing disk reaches the log within seconds. */
  static final List<String> SMALL_SEGMENTS = List.of("env", "JAVA_TOOL_OPTIONS=-Draft.server.log.segment.size.max=64KB");

  @Test
  void diskFullOnAFollowerThenOnTheLeader() throws Exception {
    assumeTrue(FaultyDisk.available(), "needs tmpfs mounts (root)");
    FaultCluster cluster = FaultCluster.threeNodes(dir, false);
    FaultyDisk[] disks = new FaultyDisk[4];
    for (int k = 1; k <= 3; k++) {
      disks[k] = cluster.smallDisk(k, 64);
      cluster.extraPrefix(k, SMALL_SEGMENTS);
    }
    try (Scenario s = new Scenario("disk full", cluster.up())) {
      FaultCluster c = s.cluster();
      s.start(load());
      int leader = c.awaitLeader(Duration.ofSeconds(30));
      int follower = leader % 3 + 1;
      s.verdict(diskFault(s, disks[follower], follower, "disk full on follower n" + follower));
      leader = c.awaitLeader(Duration.ofSeconds(30));
      s.verdict(diskFault(s, disks[leader], leader, "disk full on leader n" + leader));
      Scenario.sleep(2000);
      assertPassed(s.finish());
    }
  }

  @Test
  void fsyncFailureOnAFollowerThenOnTheLeader() throws Exception {
    assumeTrue(FaultyDisk.available(), "needs tmpfs and loop mounts (root)");
    FaultCluster cluster = FaultCluster.threeNodes(dir, false);
    FaultyDisk[] disks = new FaultyDisk[4];
    for (int k = 1; k <= 3; k++) {
      disks[k] = cluster.failingDisk(k);
      cluster.extraPrefix(k, SMALL_SEGMENTS);
    }
    try (Scenario s = new Scenario("fsync failure", cluster.up())) {
      FaultCluster c = s.cluster();
      s.start(load());
      int leader = c.awaitLeader(Duration.ofSeconds(30));
      int follower = leader % 3 + 1;
      s.verdict(diskFault(s, disks[follower], follower, "fsync failing on follower n" + follower));
      leader = c.awaitLeader(Duration.ofSeconds(30));
      s.verdict(diskFault(s, disks[leader], leader, "fsync failing on leader n" + leader));
      Scenario.sleep(2000);
      assertPassed(s.finish());
    }
  }

  /**
   * Breaks {@code node}'s disk under load and checks the contract of a node whose log cannot be
   * written: it counts the error in stemedb_wal_fsync_errors_total (or its log says so, when it has
   * stopped), it stops being a Raft member that could lead or answer for the cluster (fail-stop:
   * not primary, no linearizable read), and the other two keep committing. A write sent to it may
   * still be acknowledged — forwarded to the healthy leader and committed by the other two — which
   * the durability checker covers like any other. Then the disk is repaired, the node restarted, and
   * it must rejoin (the final convergence and durability checks cover what it holds).
   */
  static Checks.Verdict diskFault(Scenario s, FaultyDisk disk, int node, String name) throws Exception {
    FaultCluster c = s.cluster();
    List<String> v = new ArrayList<>();
    double before = c.metric(node, "stemedb_wal_fsync_errors_total").orElse(0.0);
    c.fault(name);
    disk.fail();
    int other = node % 3 + 1;
    ballast(c, other, 15); // ~6 KB entries: the next log segment is a few entries away
    // Wait for the node to notice: the counter moves, or the process is gone.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Double after = before;
    while (System.nanoTime() < deadline) {
      if (c.process(node).isEmpty()) {
        break;
      }
      after = c.metric(node, "stemedb_wal_fsync_errors_total").orElse(after);
      if (after > before) {
        break;
      }
      Thread.sleep(200);
    }
    boolean counted = after > before || c.log(node).contains("could not be written or synced");
    if (!counted) {
      v.add("stemedb_wal_fsync_errors_total stayed " + before + " and the log names no log failure");
    }
    // The rest must keep committing.
    int acked = s.workload().history().acknowledged.size();
    long servedBy = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (s.workload().history().acknowledged.size() < acked + 5 && System.nanoTime() < servedBy) {
      Thread.sleep(200);
    }
    int servedMeanwhile = s.workload().history().acknowledged.size() - acked;
    if (servedMeanwhile < 5) {
      v.add("the rest of the cluster acknowledged only " + servedMeanwhile + " writes in 30 s");
    }
    // Fail-stop: the node neither claims to lead nor answers a linearizable read.
    boolean alive = c.process(node).isPresent();
    String role = c.status(node).map(j -> j.path("role").asText()).orElse("(no status)");
    Double primary = c.metric(node, "stemedb_cluster_is_primary").orElse(null);
    NodeHttp.Answer read = alive ? c.http().get(c.url(node) + "/v1/resolve?subject=" + s.workload().registers().get(0)
        + "&predicate=p&consistency=linearizable", Duration.ofSeconds(15)) : null;
    if (alive && (role.equals("primary") || (primary != null && primary >= 1))) {
      v.add("n" + node + " still says it is primary (status " + role + ", stemedb_cluster_is_primary " + primary + ")");
    }
    if (read != null && read.status() == 200) {
      v.add("n" + node + " answered a linearizable read with a failed log");
    }
    String state = (alive ? "process running" : "process exited") + ", counter " + before + " -> " + after + ", status "
        + role + ", linearizable read " + (read == null ? "no answer" : read.status()) + ", " + servedMeanwhile
        + " writes acknowledged by the rest";
    System.out.println(name + ": " + state);
    // Repair: stop it, give the disk back, start it; it recovers from its log and the leader.
    c.kill9(node);
    disk.clear();
    c.fault("disk repaired on n" + node);
    c.restart(node);
    c.awaitReady(node, Duration.ofSeconds(90));
    return new Checks.Verdict(name, v, state);
  }
}
