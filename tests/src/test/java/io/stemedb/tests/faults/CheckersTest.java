package io.stemedb.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.tests.history.Operation;
import io.stemedb.tests.history.RecencyRegister.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Each checker catches the violation it exists for, and passes what is correct. */
class CheckersTest {
  static History history() {
    History h = new History();
    h.attempted.addAll(List.of("a", "b", "c", "refused"));
    h.acknowledged.addAll(List.of("a", "b"));
    h.failedDefinitively.add("refused");
    h.retracted.add("id-a");
    h.votes.add(new History.Vote("id-a", "client2", "endorse"));
    return h;
  }

  static Checks.Replica replica(List<String> values) {
    return new Checks.Replica(values, Set.of("id-a"), Set.of(new History.Vote("id-a", "client2", "endorse")));
  }

  @Test
  void durabilityPassesWhenEveryAcknowledgedWriteIsEverywhereOnce() {
    // "c" had an unknown outcome: present on every replica or on none, both fine
    Checks.Verdict v = Checks.durability(history(), Map.of(1, replica(List.of("a", "b", "c")), 2, replica(List.of("b", "a", "c"))));
    assertThat(v.passed()).as(v.toString()).isTrue();
  }

  @Test
  void durabilityCatchesALostWrite() {
    Checks.Verdict v = Checks.durability(history(), Map.of(1, replica(List.of("a", "b")), 2, replica(List.of("a"))));
    assertThat(v.passed()).isFalse();
    assertThat(v.violations()).containsExactly("n2 lost acknowledged write b");
  }

  @Test
  void durabilityCatchesAWriteAppliedTwiceARefusedOneAndAnInventedOne() {
    Checks.Verdict v = Checks.durability(history(), Map.of(1, replica(List.of("a", "b", "b", "refused", "zzz"))));
    assertThat(v.violations()).containsExactlyInAnyOrder("n1 holds b 2 times", "n1 holds refused whose write was refused",
        "n1 holds zzz that no client wrote");
  }

  @Test
  void durabilityCatchesALostRetractionAndALostVote() {
    Checks.Verdict v = Checks.durability(history(), Map.of(1, new Checks.Replica(List.of("a", "b"), Set.of(), Set.of())));
    assertThat(v.violations()).hasSize(2).allMatch(s -> s.startsWith("n1 lost acknowledged"));
  }

  static Operation<Op, String> write(long from, long to, String value, long at) {
    return new Operation<>(1, from, to, Op.write(value, at), null);
  }

  static Operation<Op, String> read(long from, long to, String value) {
    return new Operation<>(2, from, to, Op.read(), value);
  }

  @Test
  void linearizabilityCatchesAStaleRead() {
    List<Operation<Op, String>> fine = List.of(write(0, 10, "a", 1), write(20, 30, "b", 2), read(40, 50, "b"));
    List<Operation<Op, String>> stale = List.of(write(0, 10, "a", 1), write(20, 30, "b", 2), read(40, 50, "a"));
    assertThat(Checks.linearizable(Map.of("k", fine)).passed()).isTrue();
    Checks.Verdict v = Checks.linearizable(Map.of("k", fine, "j", stale));
    assertThat(v.passed()).isFalse();
    assertThat(v.violations()).singleElement().asString().startsWith("j ");
  }

  @Test
  void unknownWritesNobodyReadAreSetAsideWithoutChangingTheVerdict() {
    // 40 overlapping writes whose outcome is unknown (a crash): 2^40 subsets without pruning
    List<Operation<Op, String>> h = new ArrayList<>();
    h.add(write(0, 10, "a", 1));
    for (int i = 0; i < 40; i++) {
      h.add(Operation.unknown(3, 20 + i, Op.write("lost" + i, 100 + i)));
    }
    h.add(read(200, 210, "a"));
    assertThat(Checks.linearizable(Map.of("k", h)).passed()).isTrue();
    // one of them was seen: it happened, and a later read of "a" is then stale
    h.add(read(220, 230, "lost7"));
    assertThat(Checks.linearizable(Map.of("k", h)).passed()).isTrue();
    h.add(read(240, 250, "a"));
    assertThat(Checks.linearizable(Map.of("k", h)).passed()).isFalse();
    assertThat(Checks.prune(h)).hasSize(5);
  }

  static LeaderSampler.Sample s(int node, String role, long term) {
    boolean primary = role.equals("primary");
    return new LeaderSampler.Sample(node, role, term, primary ? 1.0 : 0.0, (double) term);
  }

  @Test
  void singleLeaderCatchesTwoLeadersInOneTerm() {
    List<LeaderSampler.Round> rounds = List.of(
        new LeaderSampler.Round(0, List.of(s(1, "primary", 3), s(2, "replica", 3), s(3, "replica", 3)), Set.of(1, 2, 3)),
        new LeaderSampler.Round(1, List.of(s(1, "replica", 3), s(2, "primary", 3), s(3, "replica", 3)), Set.of(1, 2, 3)));
    Checks.Verdict v = Checks.singleLeader(rounds);
    assertThat(v.violations()).containsExactly("term 3 had primaries [1, 2]");
  }

  @Test
  void singleLeaderCatchesTwoPrimariesOnAHealthyMajoritySide() {
    // the gauges say two primaries at once (in different terms, so the per-term rule alone would pass),
    // round after round for longer than a leader change takes: the old leader never steps down
    List<LeaderSampler.Round> rounds = new java.util.ArrayList<>();
    for (long ms = 0; ms <= 3500; ms += 100) {
      rounds.add(new LeaderSampler.Round(ms * 1_000_000,
          List.of(s(1, "primary", 3), s(2, "primary", 4), s(3, "replica", 4)), Set.of(1, 2, 3)));
    }
    Checks.Verdict v = Checks.singleLeader(rounds);
    assertThat(v.violations()).singleElement().asString().startsWith("sum(stemedb_cluster_is_primary) = 2.0")
        .contains("for 3000 ms");
  }

  @Test
  void singleLeaderAllowsTheMomentOfALeaderChangeOnTheMajoritySide() {
    // CI, clock-skew scenario: n3 won term 5 while n2, leader of term 4, had not yet heard of it; one
    // round later n2 has stepped down. Two leaders of different terms for a moment is Raft.
    List<LeaderSampler.Round> rounds = List.of(
        new LeaderSampler.Round(0, List.of(s(1, "replica", 4), s(2, "primary", 4), s(3, "replica", 4)), Set.of(1, 2, 3)),
        new LeaderSampler.Round(100_000_000, List.of(s(1, "replica", 4), s(2, "primary", 4), s(3, "primary", 5)), Set.of(1, 2, 3)),
        new LeaderSampler.Round(200_000_000, List.of(s(1, "replica", 5), s(2, "replica", 5), s(3, "primary", 5)), Set.of(1, 2, 3)));
    assertThat(Checks.singleLeader(rounds).passed()).isTrue();
  }

  @Test
  void singleLeaderAllowsADeposedLeaderOutsideTheMajorityAndLeadersOfSuccessiveTerms() {
    List<LeaderSampler.Round> rounds = List.of(
        new LeaderSampler.Round(0, List.of(s(1, "primary", 3), s(2, "replica", 3), s(3, "replica", 3)), Set.of(1, 2, 3)),
        // n1 cut off and not yet stepped down; n2 leads the majority side {2, 3} in term 4
        new LeaderSampler.Round(1, List.of(s(1, "primary", 3), s(2, "primary", 4), s(3, "replica", 4)), Set.of(2, 3)));
    assertThat(Checks.singleLeader(rounds).passed()).isTrue();
  }

  @Test
  void convergenceCatchesDivergentReplicas() {
    Map<Integer, Checks.MerkleState> same = new TreeMap<>(Map.of(1, new Checks.MerkleState(9, "r"), 2, new Checks.MerkleState(9, "r")));
    assertThat(Checks.convergence(same).passed()).isTrue();
    same.put(3, new Checks.MerkleState(9, "other"));
    assertThat(Checks.convergence(same).passed()).isFalse();
    Map<Integer, Checks.MerkleState> behind = Map.of(1, new Checks.MerkleState(9, "r"), 2, new Checks.MerkleState(8, "q"));
    assertThat(Checks.convergence(behind).passed()).isFalse();
  }

  @Test
  void minorityCatchesACommitAWriteAcceptedAndASlowRefusal() {
    Duration limit = Duration.ofSeconds(10);
    assertThat(Checks.minority(List.of(new Checks.MinorityProbe(3, 503, 503, 503, 5100, 7, 7)), limit).passed()).isTrue();
    assertThat(Checks.minority(List.of(new Checks.MinorityProbe(3, 201, 503, 503, 5100, 7, 8)), limit).violations())
        .containsExactly("n3 answered a write with 201", "n3 committed while cut off: 7 -> 8");
    assertThat(Checks.minority(List.of(new Checks.MinorityProbe(3, 503, 200, 200, 5100, 7, 7)), limit).violations()).hasSize(2);
    assertThat(Checks.minority(List.of(new Checks.MinorityProbe(3, 503, 503, 503, 30_000, 7, 7)), limit).passed()).isFalse();
  }

  @Test
  void prometheusSamplesAreRead() {
    String text = "# HELP stemedb_cluster_is_primary x\nstemedb_cluster_is_primary_total 5\nstemedb_cluster_is_primary 1.0\n"
        + "stemedb_wal_fsync_errors_total{member=\"n1\"} 2.0\n";
    assertThat(Metrics.value(text, "stemedb_cluster_is_primary")).contains(1.0);
    assertThat(Metrics.value(text, "stemedb_wal_fsync_errors_total")).contains(2.0);
    assertThat(Metrics.value(text, "stemedb_missing")).isEmpty();
  }

  @Test
  void majoritySideOfAPartitionedFabricIsTheLargestConnectedMajority() {
    assertThat(new NetworkFabric.Pair(3, 1)).isEqualTo(new NetworkFabric.Pair(1, 3));
    assertThat(NetworkFabric.majoritySide(3, Set.of())).containsExactlyInAnyOrder(1, 2, 3);
    assertThat(NetworkFabric.majoritySide(3, Set.of(new NetworkFabric.Pair(1, 2), new NetworkFabric.Pair(1, 3))))
        .containsExactlyInAnyOrder(2, 3);
    assertThat(NetworkFabric.majoritySide(3, Set.of(new NetworkFabric.Pair(1, 2)))).hasSize(2);
    assertThat(NetworkFabric.majoritySide(3, Set.of(new NetworkFabric.Pair(1, 2), new NetworkFabric.Pair(2, 3),
        new NetworkFabric.Pair(1, 3)))).isEmpty();
  }
}
