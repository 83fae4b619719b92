package io.stemedb.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;

/** Ratis settings whose default is wrong for StemeDB, each with the reason in StemeNode.serverProperties. */
class ServerPropertiesTest {
  private static RaftProperties properties() {
    return StemeNode.serverProperties(NodeConfig.of("n1", "127.0.0.1", 9999,
        List.of(new NodeConfig.Peer("n1", "127.0.0.1:9999", 0)), Path.of("unused")));
  }

  @Test
  void followersAppendOnThePlainPathNotTheComposedOne() {
    // org.apache.ratis.server.impl.ComposedAppendResendTest shows what the composed path drops.
    assertThat(RaftServerConfigKeys.Log.appendEntriesComposeEnabled(properties())).isFalse();
  }

  @Test
  void noLeaderLeaseSoEveryLeaderReadIsConfirmedByAMajority() {
    // Ratis renews a lease from a follower's rejection too (GrpcLogAppender updates the responded
    // send time before it looks at the reply), which let a deposed leader answer stale reads.
    assertThat(RaftServerConfigKeys.Read.leaderLeaseEnabled(properties())).isFalse();
    assertThat(RaftServerConfigKeys.Read.option(properties())).isEqualTo(RaftServerConfigKeys.Read.Option.LINEARIZABLE);
  }

  @Test
  void noCommitMetadataEntriesAndNoLeaderPushedSnapshots() {
    RaftProperties p = properties();
    assertThat(RaftServerConfigKeys.Log.logMetadataEnabled(p)).isFalse();
    assertThat(RaftServerConfigKeys.Log.Appender.installSnapshotEnabled(p)).isFalse();
  }

  @Test
  void theLeaderNeverWaitsMoreThanThreeQuartersOfASecondToRetryAFollower() {
    // Ratis's default waits up to 7.5 s once a follower has failed 30 times, and stops waiting
    // after ~2,000 failures; a restarted node must be found within a second, however long it was down.
    RetryPolicy policy = RetryPolicy.parse(RaftServerConfigKeys.Log.Appender.retryPolicy(properties()));
    for (int errors : new int[] {1, 10, 11, 30, 31, 1_000, 100_000, Integer.MAX_VALUE - 1}) {
      for (int draw = 0; draw < 50; draw++) {
        RetryPolicy.Action action = policy.handleAttemptFailure(() -> errors);
        assertThat(action.shouldRetry()).as("still retrying after %d errors", errors).isTrue();
        assertThat(action.getSleepTime().toLong(TimeUnit.MICROSECONDS)).as("wait in µs after %d errors", errors)
            .isPositive().isLessThanOrEqualTo(750_000);
      }
    }
  }
}
