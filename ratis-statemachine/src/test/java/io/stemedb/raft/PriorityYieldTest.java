package io.stemedb.raft;

import static io.stemedb.raft.ReplicationTest.claim;
import static io.stemedb.raft.ReplicationTest.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A higher priority takes leadership while writes never pause. (Ratis's own check runs only when its
 * leader has been idle for an election timeout, which a steady write load never allows.)
 */
class PriorityYieldTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir Path dir;

  @Test
  void aHigherPriorityVoterBecomesLeaderUnderASteadyWriteLoad() throws Exception {
    try (TestCluster cluster = new TestCluster(dir, 3, c -> c).startAll()) {
      StemeNode leader = cluster.awaitLeader(WAIT);
      StemeNode writer = cluster.follower();
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger written = new AtomicInteger();
      Thread load = new Thread(() -> {
        while (writing.get()) {
          try {
            write(writer, claim("s" + written.get(), "v", "a"));
            written.incrementAndGet();
          } catch (RuntimeException e) {
            // a write during the leadership change may be refused; the load goes on
          }
        }
      });
      load.start();
      try {
        String favourite = cluster.running().stream().filter(n -> n != leader && n != writer).findFirst().orElseThrow().id();
        List<NodeConfig.Peer> prioritised = new ArrayList<>();
        for (NodeConfig.Peer p : leader.voters()) {
          prioritised.add(new NodeConfig.Peer(p.id(), p.raftAddress(), p.id().equals(favourite) ? 2 : 0));
        }
        leader.setMembers(prioritised, List.of());
        int before = written.get();
        TestCluster.await(WAIT, favourite + " leading by priority", () -> cluster.node(favourite).isLeader() ? true : null);
        TestCluster.await(WAIT, "writes after the change", () -> written.get() > before + 10 ? true : null);
      } finally {
        writing.set(false);
        load.join();
      }
    }
  }
}
