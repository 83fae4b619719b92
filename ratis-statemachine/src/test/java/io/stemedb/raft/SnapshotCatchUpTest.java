package io.stemedb.raft;

import static io.stemedb.raft.ReplicationTest.claim;
import static io.stemedb.raft.ReplicationTest.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.storage.MerkleSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots, log purge, and catching up by snapshot: a lagging follower and a brand-new member. */
class SnapshotCatchUpTest {
  static final Duration WAIT = Duration.ofSeconds(40);
  static final UnaryOperator<NodeConfig> SMALL_LOG = c -> c.withSnapshotEveryEntries(20).withPurgeGap(4).withLogSegmentBytes(4096);
  @TempDir Path dir;

  @Test
  void aFollowerBehindTheLeadersPurgedLogCatchesUpBySnapshotWithTheSameRoot() {
    try (TestCluster cluster = new TestCluster(dir, 3, SMALL_LOG).startAll()) {
      StemeNode leader = cluster.awaitLeader(WAIT);
      for (int i = 0; i < 10; i++) {
        write(leader, claim("early" + i, "v", "a"));
      }
      cluster.awaitConverged(WAIT);
      String laggard = cluster.follower().id();
      long laggardIndex = cluster.node(laggard).status().appliedIndex();
      cluster.stop(laggard);

      for (int i = 0; i < 120; i++) {
        write(leader, claim("late" + i, "v", "b"));
      }
      TestCluster.await(WAIT, "the leader to purge its log past the stopped follower",
          () -> leader.status().snapshotIndex() > laggardIndex + 40 ? true : null);

      StemeNode back = cluster.start(laggard);
      MerkleSummary converged = cluster.awaitConverged(WAIT);
      assertThat(converged.records()).isEqualTo(130);
      assertThat(back.stateMachine().store().file().toString())
          .as("state replaced by an installed snapshot generation").doesNotContain("state-1");
      assertThat(back.stateMachine().store().recomputeMerkle().rootHex()).isEqualTo(converged.root());
      // and it goes on following ordinary log entries
      write(leader, claim("after", "v", "c"));
      assertThat(cluster.awaitConverged(WAIT).records()).isEqualTo(131);
    }
  }

  @Test
  void aNewMemberCatchesUpBySnapshotAndJoinsTheMajority() {
    try (TestCluster cluster = new TestCluster(dir, 3, SMALL_LOG).startAll()) {
      StemeNode leader = cluster.awaitLeader(WAIT);
      for (int i = 0; i < 80; i++) {
        write(leader, claim("s" + i, "v", "a"));
      }
      cluster.awaitConverged(WAIT);
      NodeConfig.Peer n4 = cluster.addConfig("n4", cluster.peers(), SMALL_LOG);
      cluster.start("n4");
      List<NodeConfig.Peer> voters = new ArrayList<>(leader.voters());
      voters.add(n4);
      leader.setMembers(voters, List.of());

      MerkleSummary converged = cluster.awaitConverged(WAIT);
      assertThat(converged.records()).isEqualTo(80);
      assertThat(leader.voters()).extracting(NodeConfig.Peer::id).contains("n4");
      assertThat(cluster.node("n4").stateMachine().store().appliedIndex()).isEqualTo(converged.index());
    }
  }

  @Test
  void theSameHistoryWithDifferentSnapshotTimingsGivesIdenticalRoots() {
    UnaryOperator<NodeConfig> differentTimings = c -> switch (c.nodeId()) {
      case "n1" -> c.withSnapshotEveryEntries(7).withPurgeGap(2);
      case "n2" -> c.withSnapshotEveryEntries(13).withPurgeGap(3);
      default -> c.withSnapshotEveryEntries(100_000);
    };
    try (TestCluster cluster = new TestCluster(dir, 3, differentTimings).startAll()) {
      StemeNode leader = cluster.awaitLeader(WAIT);
      for (int i = 0; i < 60; i++) {
        write(leader, claim("s" + (i % 7), "v" + i, "agent" + (i % 3)));
        if (i == 30) {
          StemeNode f = cluster.follower();
          String id = f.id();
          cluster.stop(id);
          cluster.start(id);
        }
      }
      MerkleSummary converged = cluster.awaitConverged(WAIT);
      assertThat(converged.records()).isEqualTo(60);
      assertThat(cluster.each(n -> n.status().snapshotIndex()).stream().distinct().count())
          .as("snapshots were taken at different indexes").isGreaterThan(1);
    }
  }

  @Test
  void largeEntriesTriggerASnapshotByBytesAndAFollowerBehindItCopiesTheLeadersFiles() {
    // Entry count alone would never snapshot here; 40 batches of 50 claims (~10 KiB each) pass 64 KiB often.
    UnaryOperator<NodeConfig> byBytes = c -> c.withSnapshotEveryEntries(1_000_000).withSnapshotEveryBytes(64 << 10)
        .withPurgeGap(4).withLogSegmentBytes(16 << 10);
    try (TestCluster cluster = new TestCluster(dir, 3, byBytes).startAll()) {
      StemeNode leader = cluster.awaitLeader(WAIT);
      String laggard = cluster.follower().id();
      cluster.stop(laggard);
      for (int b = 0; b < 40; b++) {
        List<Proposal> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          batch.add(claim("batch" + b + "-" + i, "a value long enough to make the entry weigh something", "agent" + (i % 4)));
        }
        leader.write(batch);
      }
      TestCluster.await(WAIT, "a snapshot by bytes, and the log purged behind it",
          () -> leader.status().snapshotIndex() > 10 ? true : null);

      StemeNode back = cluster.start(laggard);
      MerkleSummary converged = cluster.awaitConverged(WAIT);
      assertThat(converged.records()).isEqualTo(2000);
      assertThat(back.stateMachine().store().file().toString())
          .as("state replaced by the leader's copied files").doesNotContain("state-1");
      assertThat(back.stateMachine().store().recomputeMerkle().rootHex()).isEqualTo(converged.root());
    }
  }
}
