package io.stemedb.raft;

import static io.stemedb.raft.ReplicationTest.claim;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemedb.storage.Change;
import io.stemedb.storage.MerkleSummary;
import io.stemedb.storage.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit on three real nodes: requests share entries, and each keeps its own fate. */
class GroupCommitTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir Path dir;

  static double sample(StemeNode node, String name) {
    Double v = node.metrics().registry().getSampleValue(name);
    return v == null ? 0 : v;
  }

  /** {@code threads} clients at once, each writing {@code each} claims of its own through {@code via}. */
  static List<Outcome> concurrentWrites(StemeNode via, int threads, int each) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<Outcome>>> clients = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int client = t;
        clients.add(pool.submit(() -> {
          start.await();
          List<Outcome> mine = new ArrayList<>();
          for (int i = 0; i < each; i++) {
            mine.add(via.write(List.of(claim("s" + client + "-" + i, "v", "agent" + client))).get(0));
          }
          return mine;
        }));
      }
      start.countDown();
      List<Outcome> all = new ArrayList<>();
      for (Future<List<Outcome>> c : clients) {
        all.addAll(c.get());
      }
      return all;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentWritesThroughAFollowerShareEntriesAndEachGetsItsOwnAnswer() throws Exception {
    try (TestCluster cluster = new TestCluster(dir, 3, c -> c).startAll()) {
      StemeNode follower = cluster.follower();
      List<Outcome> outcomes = concurrentWrites(follower, 32, 15);

      assertThat(outcomes).hasSize(480).allMatch(o -> o.status() == Outcome.Status.CREATED);
      assertThat(outcomes.stream().map(Outcome::id).distinct().count()).isEqualTo(480);
      Set<Long> entries = new TreeSet<>();
      outcomes.forEach(o -> entries.add(o.index()));
      // The batch-size histogram counts one observation per entry and sums the requests in them.
      assertThat(sample(follower, "stemedb_group_commit_batch_requests_sum")).isEqualTo(480);
      assertThat(sample(follower, "stemedb_group_commit_batch_requests_count"))
          .isEqualTo(entries.size()).isLessThan(480);
      MerkleSummary converged = cluster.awaitConverged(WAIT);
      assertThat(converged.records()).isEqualTo(480);
    }
  }

  @Test
  void aRequestThatFailsInsideASharedEntryFailsOnlyItself() throws Exception {
    // One proposal slot and a long linger, so that everything submitted together lands in one entry.
    GroupCommitConfig oneEntry = new GroupCommitConfig(true, 100, 1 << 20, Duration.ofMillis(400), 1);
    try (TestCluster cluster = new TestCluster(dir, 3, c -> c.withGroupCommit(oneEntry)).startAll()) {
      StemeNode leader = cluster.awaitLeader(WAIT);
      CompletableFuture<List<Outcome>> a = leader.submit(List.of(claim("a", "1", "crm")));
      CompletableFuture<List<Outcome>> b = leader.submit(List.of(
          claim("b", "1", "crm"), new Proposal.Other(new Change.Retract("0".repeat(64), "crm", false))));
      CompletableFuture<List<Outcome>> bad = leader.submit(List.of(
          new Proposal.Claim("bad", "p", "{not json", "crm", 1.0, null, null)));
      CompletableFuture<List<Outcome>> c = leader.submit(List.of(claim("c", "1", "crm")));

      assertThat(a.join().get(0).status()).isEqualTo(Outcome.Status.CREATED);
      assertThat(c.join().get(0).status()).isEqualTo(Outcome.Status.CREATED);
      assertThat(b.join()).extracting(Outcome::status)
          .containsExactly(Outcome.Status.ABORTED, Outcome.Status.NOT_FOUND);
      assertThat(a.join().get(0).index()).isEqualTo(c.join().get(0).index());
      assertThat(sample(leader, "stemedb_group_commit_batch_requests_count")).isEqualTo(1);
      assertThat(sample(leader, "stemedb_group_commit_batch_requests_sum")).isEqualTo(3);
      assertThatThrownBy(bad::join).isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(InvalidProposalException.class);

      cluster.awaitConverged(WAIT);
      for (StemeNode n : cluster.running()) {
        assertThat(n.stateMachine().store().predicates("a", 0, Long.MAX_VALUE)).containsExactly("p");
        assertThat(n.stateMachine().store().predicates("b", 0, Long.MAX_VALUE)).isEmpty();
        assertThat(n.stateMachine().store().predicates("c", 0, Long.MAX_VALUE)).containsExactly("p");
      }
    }
  }

  @Test
  void theLeaderRefusesOneBadRequestOfAnEntryAndAppliesTheRest() {
    try (TestCluster cluster = new TestCluster(dir, 3, c -> c).startAll()) {
      StemeNode follower = cluster.follower();
      List<List<Outcome>> outcomes = follower.propose(List.of(
          List.of(claim("good", "1", "crm")),
          List.of(new Proposal.Claim("bad", "p", "1", "crm", 1.5, null, null)))).join();

      assertThat(outcomes.get(0).get(0).status()).isEqualTo(Outcome.Status.CREATED);
      assertThat(outcomes.get(1)).singleElement().satisfies(o -> {
        assertThat(o.status()).isEqualTo(Outcome.Status.INVALID);
        assertThat(o.message()).contains("confidence");
      });
      cluster.awaitConverged(WAIT);
      assertThat(cluster.each(n -> n.stateMachine().store().claimCount())).containsOnly(1L);
    }
  }

  @Test
  void withGroupCommitOffEveryRequestIsItsOwnEntry() throws Exception {
    try (TestCluster cluster = new TestCluster(dir, 3, c -> c.withGroupCommit(GroupCommitConfig.OFF)).startAll()) {
      StemeNode leader = cluster.awaitLeader(WAIT);
      List<Outcome> outcomes = concurrentWrites(leader, 8, 5);
      assertThat(outcomes).hasSize(40).allMatch(o -> o.status() == Outcome.Status.CREATED);
      assertThat(outcomes.stream().map(Outcome::index).distinct().count()).isEqualTo(40);
      assertThat(sample(leader, "stemedb_group_commit_batch_requests_count")).isZero();
    }
  }
}
