package io.stemedb.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The decision a restored replica makes each second (the cluster side is in tests/ReplicaRepairTest). */
class RestoreRejoinTest {
  static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  /** A replica whose state the test sets between looks. */
  static final class Replica implements RestoreRejoin.Node {
    String leader = "n1";
    boolean leads;
    long commit = 10;
    long leaderCommit = 15;
    boolean copying;
    boolean leaderUnreachable;
    final List<String> askedToStepDown = new ArrayList<>();

    @Override
    public String leader() {
      return leader;
    }

    @Override
    public boolean isLeader() {
      return leads;
    }

    @Override
    public long commitIndex() {
      return commit;
    }

    @Override
    public long leaderCommitIndex(String leader) throws Exception {
      if (leaderUnreachable) {
        throw new java.io.IOException("unreachable");
      }
      return leaderCommit;
    }

    @Override
    public boolean copyingSnapshot() {
      return copying;
    }

    @Override
    public void askToStepDown(String leader) {
      askedToStepDown.add(leader);
    }
  }

  final Replica replica = new Replica();
  final RestoreRejoin rejoin = new RestoreRejoin("n3", 10, replica, 5 * SECOND, 2);

  /** Looks once a second for {@code seconds}; returns whether it still watches after the last. */
  boolean watch(int from, int seconds) {
    boolean watching = true;
    for (int s = from; s < from + seconds && watching; s++) {
      watching = rejoin.check(s * SECOND);
    }
    return watching;
  }

  @Test
  void aReplicaThatCatchesUpStopsWatchingWithoutDisturbingTheLeader() {
    assertThat(watch(0, 2)).isTrue();
    replica.commit = 15;
    assertThat(rejoin.check(2 * SECOND)).isFalse();
    assertThat(replica.askedToStepDown).isEmpty();
  }

  @Test
  void aReplicaStuckBehindTheLeaderAsksItToStepDownOncePerStall() {
    assertThat(watch(0, 5)).isTrue();
    assertThat(replica.askedToStepDown).as("still for 4 s: not yet").isEmpty();
    assertThat(rejoin.check(5 * SECOND)).isTrue();
    assertThat(replica.askedToStepDown).containsExactly("n1");
    // the same leader (re-elected) still sends nothing: the next stall counts from the request
    assertThat(watch(6, 4)).isTrue();
    assertThat(replica.askedToStepDown).hasSize(1);
    replica.leader = "n2";
    assertThat(rejoin.check(10 * SECOND)).isTrue();
    assertThat(replica.askedToStepDown).containsExactly("n1", "n2");
    // after maxRequests it gives up (and says so) rather than keep the cluster electing
    assertThat(watch(11, 10)).isFalse();
    assertThat(replica.askedToStepDown).hasSize(2);
  }

  @Test
  void aReplicaThatMovesForwardIsLeftAloneHoweverFarBehind() {
    for (int s = 0; s < 30; s++) {
      replica.commit++;
      replica.leaderCommit += 2;
      assertThat(rejoin.check(s * SECOND)).isTrue();
    }
    assertThat(replica.askedToStepDown).isEmpty();
  }

  @Test
  void aSnapshotCopyIsNotAStall() {
    replica.copying = true;
    assertThat(watch(0, 30)).isTrue();
    assertThat(replica.askedToStepDown).isEmpty();
    replica.copying = false;
    assertThat(watch(30, 4)).isTrue();
    assertThat(replica.askedToStepDown).as("the stall counts from the copy's end").isEmpty();
  }

  @Test
  void withoutAReachableLeaderItKeepsWatching() {
    replica.leader = null;
    assertThat(watch(0, 20)).isTrue();
    replica.leader = "n1";
    replica.leaderUnreachable = true;
    assertThat(watch(20, 20)).isTrue();
    assertThat(replica.askedToStepDown).isEmpty();
  }

  @Test
  void aReplicaThatBecomesLeaderIsDone() {
    replica.leads = true;
    assertThat(rejoin.check(0)).isFalse();
    assertThat(replica.askedToStepDown).isEmpty();
  }
}
