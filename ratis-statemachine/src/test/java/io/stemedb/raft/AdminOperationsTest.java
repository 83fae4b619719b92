package io.stemedb.raft;

import static io.stemedb.raft.ReplicationTest.claim;
import static io.stemedb.raft.ReplicationTest.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Status, leadership transfer, step-down, priorities, learners and on-demand snapshots. */
class AdminOperationsTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir Path dir;

  @Test
  void statusLeadershipPrioritySnapshotAndLearnerMembership() {
    try (TestCluster cluster = new TestCluster(dir, 3, c -> c).startAll()) {
      StemeNode leader = cluster.awaitLeader(WAIT);
      for (int i = 0; i < 5; i++) {
        write(leader, claim("s" + i, "v", "a"));
      }
      cluster.awaitConverged(WAIT);

      NodeStatus status = leader.status();
      assertThat(status.role()).isEqualTo("primary");
      assertThat(status.leaderId()).isEqualTo(leader.id());
      assertThat(status.peers()).hasSize(3).allSatisfy(p -> {
        assertThat(p.role()).isEqualTo("voter");
        assertThat(p.matchIndex()).isPositive();
      });
      assertThat(cluster.follower().status().role()).isEqualTo("replica");

      // transfer leadership to a chosen follower
      String target = cluster.follower().id();
      leader.transferLeadership(target, Duration.ofSeconds(10));
      TestCluster.await(WAIT, target + " leading", () -> cluster.node(target).isLeader() ? true : null);

      // the leader steps down: some leader is elected again
      cluster.node(target).stepDown(Duration.ofSeconds(10));
      StemeNode afterStepDown = cluster.awaitLeader(WAIT);
      write(afterStepDown, claim("after-step-down", "v", "a"));

      // a higher election priority makes that node the leader
      StemeNode current = cluster.awaitLeader(WAIT);
      String favourite = cluster.running().stream().filter(n -> n != current).findFirst().orElseThrow().id();
      List<NodeConfig.Peer> prioritised = new ArrayList<>();
      for (NodeConfig.Peer p : current.voters()) {
        prioritised.add(new NodeConfig.Peer(p.id(), p.raftAddress(), p.id().equals(favourite) ? 5 : 1));
      }
      current.setMembers(prioritised, List.of());
      TestCluster.await(WAIT, favourite + " leading by priority", () -> cluster.node(favourite).isLeader() ? true : null);
      assertThat(cluster.node(favourite).status().peers())
          .filteredOn(p -> p.id().equals(favourite)).singleElement()
          .satisfies(p -> assertThat(p.priority()).isEqualTo(5));

      // an on-demand snapshot on a follower
      StemeNode follower = cluster.follower();
      long snapshotIndex = follower.snapshot(Duration.ofSeconds(10));
      assertThat(snapshotIndex).isPositive();
      assertThat(follower.status().snapshotIndex()).isEqualTo(snapshotIndex);

      // a learner: receives the log, does not vote
      StemeNode leaderNow = cluster.awaitLeader(WAIT);
      NodeConfig.Peer n4 = cluster.addConfig("n4", cluster.peers(), c -> c);
      cluster.start("n4");
      leaderNow.setMembers(leaderNow.voters(), List.of(n4));
      write(leaderNow, claim("for-the-learner", "v", "a"));
      assertThat(cluster.awaitConverged(WAIT).records()).isEqualTo(7);
      assertThat(leaderNow.status().peers()).filteredOn(p -> p.id().equals("n4"))
          .singleElement().satisfies(p -> assertThat(p.role()).isEqualTo("learner"));
      assertThat(cluster.node("n4").status().role()).isEqualTo("learner");
    }
  }
}
