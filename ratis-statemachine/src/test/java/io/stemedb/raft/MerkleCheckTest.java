package io.stemedb.raft;

import static io.stemedb.raft.ReplicationTest.claim;
import static io.stemedb.raft.ReplicationTest.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.model.Assertion;
import io.stemedb.storage.Change;
import io.stemedb.storage.Store;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leader's periodic replica comparison at checkpoint entries, on three real nodes. */
class MerkleCheckTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir Path dir;

  static double sample(StemeNode node, String name, String... labels) {
    Double v = labels.length == 0
        ? node.metrics().registry().getSampleValue(name)
        : node.metrics().registry().getSampleValue(name, new String[] {"peer"}, labels);
    return v == null ? -1 : v;
  }

  @Test
  void equalReplicasPassAndAReplicaThatDivergedIsFlagged() throws Exception {
    try (TestCluster cluster = new TestCluster(dir, 3, c -> c.withMerkleCheckInterval(Duration.ofMillis(300))).startAll()) {
      StemeNode leader = cluster.awaitLeader(WAIT);
      for (int i = 0; i < 20; i++) {
        write(leader, claim("s" + i, "v", "a"));
      }
      String bad = cluster.follower().id();
      String good = cluster.running().stream().map(StemeNode::id)
          .filter(id -> !id.equals(bad) && !id.equals(leader.id())).findFirst().orElseThrow();
      // Leadership may move on a busy machine: read the check's results on whoever leads now.
      TestCluster.await(WAIT, "two clean comparison rounds", () -> {
        StemeNode now = cluster.awaitLeader(WAIT);
        return sample(now, "stemedb_merkle_checks_total") >= 2
            && sample(now, "stemedb_merkle_mismatch", bad) == 0
            && sample(now, "stemedb_merkle_mismatch", good) == 0 ? true : null;
      });

      // Diverge one replica as a bug or a bad disk would: while it is stopped, its store gets a claim
      // at the next index that the log does not have; on restart it skips the real entry there.
      Path storeFile = cluster.node(bad).stateMachine().store().file();
      cluster.stop(bad);
      try (Store store = Store.open(storeFile)) {
        store.apply(store.appliedIndex() + 1, 1, new Change.AddClaim(
            Assertion.claim("injected", "p", "1", "nobody", 1.0, 0L, null)));
        store.commit();
      }
      cluster.start(bad);
      for (int i = 0; i < 5; i++) {
        write(cluster.awaitLeader(WAIT), claim("after" + i, "v", "a"));
      }
      TestCluster.await(WAIT, "the diverged replica flagged, and only it", () -> {
        StemeNode now = cluster.awaitLeader(WAIT);
        return !now.id().equals(bad)
            && sample(now, "stemedb_merkle_mismatch", bad) == 1
            && sample(now, "stemedb_merkle_mismatch", good) == 0 ? true : null;
      });
    }
  }
}
