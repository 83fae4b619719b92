package io.stemedb.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemedb.storage.MerkleSummary;
import io.stemedb.storage.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real nodes: writes anywhere, convergence, failover, lost quorum, restart without replay. */
class ReplicationTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir Path dir;

  static Proposal claim(String subject, String value, String agent) {
    return new Proposal.Claim(subject, "p", "\"" + value + "\"", agent, 1.0, null, null);
  }

  static Outcome write(StemeNode node, Proposal p) {
    return node.write(List.of(p)).get(0);
  }

  @Test
  void writesOnTheLeaderAndThroughAFollowerConvergeToOneRootAtOneIndex() {
    try (TestCluster cluster = new TestCluster(dir, 3, c -> c).startAll()) {
      StemeNode leader = cluster.awaitLeader(WAIT);
      StemeNode follower = cluster.follower();
      long last = 0;
      for (int i = 0; i < 10; i++) {
        Outcome viaLeader = write(leader, claim("s" + i, "a", "crm"));
        Outcome viaFollower = write(follower, claim("s" + i, "b", "web"));
        assertThat(viaLeader.status()).isEqualTo(Outcome.Status.CREATED);
        assertThat(viaFollower.status()).isEqualTo(Outcome.Status.CREATED);
        last = Math.max(viaLeader.index(), viaFollower.index());
      }
      MerkleSummary converged = cluster.awaitConverged(WAIT);
      assertThat(converged.index()).isGreaterThanOrEqualTo(last);
      assertThat(converged.records()).isEqualTo(20);
      for (StemeNode n : cluster.running()) {
        assertThat(n.stateMachine().store().recomputeMerkle().rootHex()).isEqualTo(converged.root());
      }
    }
  }

  @Test
  void theLeaderFillsObservedAtSoEveryReplicaStoresTheSameClaim() {
    try (TestCluster cluster = new TestCluster(dir, 3, c -> c).startAll()) {
      StemeNode follower = cluster.follower();
      Outcome created = write(follower, claim("customer:42", "a@b.com", "crm"));
      cluster.awaitConverged(WAIT);
      List<Object> stored = new ArrayList<>();
      for (StemeNode n : cluster.running()) {
        stored.add(n.stateMachine().store().history("customer:42", "p", 0, 10));
      }
      assertThat(stored).hasSize(3).allMatch(s -> s.equals(stored.get(0)));
      assertThat(created.index()).isPositive();
      // the same claim again (same observedAt) is a no-op pointing at the original
      var first = cluster.node("n1").stateMachine().store().history("customer:42", "p", 0, 1).get(0);
      Outcome again = write(cluster.awaitLeader(WAIT), new Proposal.Claim(
          "customer:42", "p", "\"a@b.com\"", "crm", 1.0, first.observedAt(), null));
      assertThat(again.status()).isEqualTo(Outcome.Status.UNCHANGED);
      assertThat(again.index()).isEqualTo(created.index());

      // an epoch opening retried with its request id (as after a timeout) opens one epoch, not two
      Proposal open = new Proposal.Other(new io.stemedb.storage.Change.OpenEpoch("customer:42", "migration", "req-7"));
      Outcome opened = write(follower, open);
      Outcome retried = write(cluster.awaitLeader(WAIT), open);
      assertThat(opened.status()).isEqualTo(Outcome.Status.CREATED);
      assertThat(retried.status()).isEqualTo(Outcome.Status.UNCHANGED);
      assertThat(retried.epoch()).isEqualTo(opened.epoch()).isEqualTo(1);
      cluster.awaitConverged(WAIT);
      assertThat(cluster.each(n -> n.stateMachine().store().epoch("customer:42", Long.MAX_VALUE))).containsOnly(1L);
    }
  }

  @Test
  void anInvalidProposalIsRefusedAndNeverEntersTheLog() throws Exception {
    try (TestCluster cluster = new TestCluster(dir, 3, c -> c).startAll()) {
      StemeNode leader = cluster.awaitLeader(WAIT);
      write(leader, claim("s", "v", "a"));
      MerkleSummary before = cluster.awaitConverged(WAIT);
      long appliedEntries = leader.stateMachine().entriesApplied();

      assertThatThrownBy(() -> leader.write(List.of(new Proposal.Claim("s", "p", "{not json", "a", 1.0, null, null))))
          .isInstanceOf(InvalidProposalException.class)
          .hasMessageContaining("not valid JSON");
      assertThatThrownBy(() -> cluster.follower().write(List.of(new Proposal.Claim("s", "p", "1", "a", 1.5, null, null))))
          .isInstanceOf(InvalidProposalException.class)
          .hasMessageContaining("confidence");

      // A client that skips the node's own check meets the leader's startTransaction.
      io.stemedb.raft.proto.LogEntry bad = io.stemedb.raft.proto.LogEntry.newBuilder()
          .addRequests(io.stemedb.raft.proto.Request.newBuilder().addChanges(
              io.stemedb.raft.proto.Change.newBuilder().setClaim(io.stemedb.raft.proto.Claim.newBuilder()
                  .setSubject("s").setPredicate("p").setValue("1").setAgent("a").setConfidence(2))))
          .build();
      org.apache.ratis.conf.RaftProperties props = new org.apache.ratis.conf.RaftProperties();
      org.apache.ratis.RaftConfigKeys.Rpc.setType(props, org.apache.ratis.rpc.SupportedRpcType.GRPC);
      try (org.apache.ratis.client.RaftClient raw = org.apache.ratis.client.RaftClient.newBuilder()
          .setRaftGroup(org.apache.ratis.protocol.RaftGroup.valueOf(StemeNode.groupId("stemedb"), StemeNode.peers(cluster.peers())))
          .setProperties(props)
          .setRetryPolicy(org.apache.ratis.retry.RetryPolicies.noRetry())
          .build()) {
        String refusal;
        try {
          var reply = raw.io().send(org.apache.ratis.protocol.Message.valueOf(
              org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations.unsafeWrap(bad.toByteArray())));
          refusal = String.valueOf(reply.getException());
        } catch (java.io.IOException e) {
          refusal = e.toString();
        }
        assertThat(refusal).contains("invalid proposal").contains("confidence");
      }

      Thread.sleep(300);
      assertThat(leader.stateMachine().entriesApplied()).isEqualTo(appliedEntries);
      assertThat(leader.stateMachine().store().merkle().root()).isEqualTo(before.root());
    }
  }

  @Test
  void whenTheLeaderStopsANewOneIsElectedNothingAcknowledgedIsLostAndTheOldLeaderRejoins() {
    try (TestCluster cluster = new TestCluster(dir, 3, c -> c).startAll()) {
      StemeNode leader = cluster.awaitLeader(WAIT);
      List<Outcome> acknowledged = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        acknowledged.add(write(leader, claim("before" + i, "v", "a")));
      }
      String oldLeader = leader.id();
      cluster.stop(oldLeader);

      StemeNode newLeader = cluster.awaitLeader(WAIT);
      assertThat(newLeader.id()).isNotEqualTo(oldLeader);
      for (int i = 0; i < 10; i++) {
        acknowledged.add(write(newLeader, claim("after" + i, "v", "a")));
      }
      cluster.start(oldLeader);
      MerkleSummary converged = cluster.awaitConverged(WAIT);
      assertThat(converged.records()).isEqualTo(20);
      assertThat(cluster.node(oldLeader).status().role()).isIn("replica", "primary");
      for (int i = 0; i < 10; i++) {
        assertThat(cluster.node(oldLeader).stateMachine().store().history("before" + i, "p", 0, 1)).hasSize(1);
        assertThat(cluster.node(oldLeader).stateMachine().store().history("after" + i, "p", 0, 1)).hasSize(1);
      }
    }
  }

  @Test
  void withTwoOfThreeStoppedAWriteFailsAsUnavailableWithinTheTimeoutAndChangesNothing() throws TimeoutException {
    try (TestCluster cluster = new TestCluster(dir, 3, c -> c.withRequestTimeout(Duration.ofSeconds(2))).startAll()) {
      StemeNode leader = cluster.awaitLeader(WAIT);
      write(leader, claim("s", "v", "a"));
      cluster.awaitConverged(WAIT);
      StemeNode survivor = cluster.follower();
      for (StemeNode n : cluster.running()) {
        if (n != survivor) {
          cluster.stop(n.id());
        }
      }
      String rootBefore = survivor.stateMachine().store().merkle().root();
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> write(survivor, claim("lost", "v", "a")))
          .isInstanceOf(UnavailableException.class)
          .hasMessageContaining("retrying it is safe");
      long tookMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(tookMs).as("answered within the timeout plus slack").isLessThan(6_000);
      assertThat(survivor.stateMachine().store().merkle().root()).isEqualTo(rootBefore);
      assertThatThrownBy(() -> survivor.read(Consistency.LINEARIZABLE, 0, 0, Duration.ofSeconds(2), (s, at) -> at))
          .isInstanceOf(UnavailableException.class);
      // a stale read is served while the lag is within maxLagMs, and refused beyond it
      assertThatThrownBy(() -> survivor.read(Consistency.STALE, 0, 500, Duration.ofSeconds(1), (s, at) -> at))
          .isInstanceOf(UnavailableException.class)
          .hasMessageContaining("maxLagMs=500");
      assertThat(survivor.read(Consistency.STALE, 0, 600_000, Duration.ofSeconds(1), (s, at) -> at).index())
          .isEqualTo(survivor.stateMachine().appliedIndex());
    }
  }

  @Test
  void aRestartedFollowerCatchesUpFromTheLogWithoutReapplyingWhatItHad() {
    try (TestCluster cluster = new TestCluster(dir, 3, c -> c).startAll()) {
      StemeNode leader = cluster.awaitLeader(WAIT);
      for (int i = 0; i < 30; i++) {
        write(leader, claim("first" + i, "v", "a"));
      }
      cluster.awaitConverged(WAIT);
      String followerId = cluster.follower().id();
      cluster.stop(followerId);
      for (int i = 0; i < 20; i++) {
        write(leader, claim("second" + i, "v", "a"));
      }
      StemeNode restarted = cluster.start(followerId);
      assertThat(restarted.stateMachine().store().appliedIndex()).as("state kept across restart").isPositive();
      MerkleSummary converged = cluster.awaitConverged(WAIT);
      assertThat(converged.records()).isEqualTo(50);
      // only the 20 entries written while it was down were applied after the restart
      assertThat(restarted.stateMachine().entriesApplied()).isEqualTo(20);
    }
  }

  @Test
  void aLinearizableReadOnAFollowerSeesAWriteTheLeaderAcknowledgedJustBefore() throws TimeoutException {
    try (TestCluster cluster = new TestCluster(dir, 3, c -> c).startAll()) {
      StemeNode leader = cluster.awaitLeader(WAIT);
      StemeNode follower = cluster.follower();
      for (int i = 0; i < 50; i++) {
        String subject = "lin" + i;
        Outcome acked = write(leader, claim(subject, "v", "a"));
        StemeNode.Read<Integer> read = follower.read(Consistency.LINEARIZABLE, 0, 0, WAIT,
            (store, at) -> store.history(subject, "p", 0, 10).size());
        assertThat(read.value()).as("read %d", i).isEqualTo(1);
        assertThat(read.index()).isGreaterThanOrEqualTo(acked.index());
      }
      // minIndex: read-your-writes by index, and a bounded wait for an index not yet applied
      StemeNode.Read<Long> atLeast = follower.read(Consistency.STALE, leader.status().commitIndex(), 10_000, WAIT, (s, at) -> at);
      assertThat(atLeast.index()).isGreaterThanOrEqualTo(leader.status().commitIndex() - 1);
      assertThatThrownBy(() -> follower.read(Consistency.STALE, 1_000_000, 10_000, Duration.ofMillis(300), (s, at) -> at))
          .isInstanceOf(TimeoutException.class);
    }
  }

  @Test
  void aReadOnTheLeaderCommitsAnEntryAfterItArrivedEvenWhenNothingElseIsWritten() throws TimeoutException {
    // Ratis's ReadIndex on a leader skips its heartbeat round when the commit index did not move,
    // which let a deposed leader answer from its old state; each leader round commits its own entry.
    try (TestCluster cluster = new TestCluster(dir, 3, c -> c).startAll()) {
      StemeNode leader = cluster.awaitLeader(WAIT);
      write(leader, claim("quiet", "v", "a"));
      long before = leader.status().commitIndex();
      for (Consistency level : List.of(Consistency.LINEARIZABLE, Consistency.LEADER, Consistency.LINEARIZABLE)) {
        long at = leader.read(level, 0, 0, WAIT, (s, index) -> index).index();
        assertThat(at).as("%s read after commit index %d", level, before).isGreaterThan(before);
        before = at;
      }
      // the read entries apply as nothing: every replica ends at one index with one root and one claim
      assertThat(cluster.awaitConverged(WAIT).records()).isEqualTo(1);
    }
  }
}
