package io.stemedb.tests.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.stemedb.tests.history.LinearizabilityChecker;
import io.stemedb.tests.history.Operation;
import io.stemedb.tests.history.RecencyRegister;
import io.stemedb.tests.history.RecencyRegister.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The checkers. Each is a pure function from what was observed to a {@link Verdict} (so that a unit
 * test can feed it a violation and see it caught); {@link #verifyAll} gathers the observations from a
 * healed cluster and runs them all.
 */
public final class Checks {
  private Checks() {}

  /** One checker's verdict; passed when there are no violations. */
  public record Verdict(String checker, List<String> violations, String detail) {
    public boolean passed() {
      return violations.isEmpty();
    }

    @Override
    public String toString() {
      return String.format("%-18s %s%s", checker, passed() ? "PASS" : "FAIL " + violations.subList(0, Math.min(5, violations.size()))
          + (violations.size() > 5 ? " (+" + (violations.size() - 5) + " more)" : ""), detail.isEmpty() ? "" : "  (" + detail + ")");
    }
  }

  /** A node's Merkle root at its applied index. */
  public record MerkleState(long index, String root) {}

  /** What one replica holds: every claim value of the workload's subjects (with repeats), retracted ids, votes. */
  public record Replica(List<String> values, Set<String> retracted, Set<History.Vote> votes) {}

  // ----------------------------------------------------------------------------------- durability

  /**
   * Every acknowledged write is on every replica, and only once; writes refused for good are on none;
   * nothing is stored that no client sent; acknowledged retractions and votes are on every replica.
   */
  public static Verdict durability(History h, Map<Integer, Replica> replicas) {
    List<String> v = new ArrayList<>();
    for (Map.Entry<Integer, Replica> e : new TreeMap<>(replicas).entrySet()) {
      String node = "n" + e.getKey();
      Replica r = e.getValue();
      Map<String, Integer> counts = new HashMap<>();
      r.values().forEach(x -> counts.merge(x, 1, Integer::sum));
      for (String ack : h.acknowledged) {
        if (!counts.containsKey(ack)) {
          v.add(node + " lost acknowledged write " + ack);
        }
      }
      counts.forEach((value, c) -> {
        if (c > 1) {
          v.add(node + " holds " + value + " " + c + " times");
        }
        if (h.failedDefinitively.contains(value)) {
          v.add(node + " holds " + value + " whose write was refused");
        }
        if (!h.attempted.contains(value)) {
          v.add(node + " holds " + value + " that no client wrote");
        }
      });
      for (String id : h.retracted) {
        if (!r.retracted().contains(id)) {
          v.add(node + " lost acknowledged retraction of " + id);
        }
      }
      for (History.Vote vote : h.votes) {
        if (!r.votes().contains(vote)) {
          v.add(node + " lost acknowledged vote " + vote);
        }
      }
    }
    return new Verdict("durability", v, h.acknowledged.size() + " acknowledged writes, " + h.retracted.size()
        + " retractions, " + h.votes.size() + " votes on " + replicas.size() + " replicas");
  }

  // ---------------------------------------------------------------------------------- convergence

  /** All replicas report one Merkle root at one applied index. */
  public static Verdict convergence(Map<Integer, MerkleState> states) {
    Set<MerkleState> distinct = new HashSet<>(states.values());
    List<String> v = distinct.size() == 1 && !distinct.contains(null) ? List.of() : List.of("replicas differ: " + new TreeMap<>(states));
    return new Verdict("convergence", v, distinct.size() == 1 ? "index " + distinct.iterator().next().index() : "");
  }

  // -------------------------------------------------------------------------------- single leader

  /**
   * How long two primaries on a settled majority side may overlap. A leader deposed by an election it
   * did not see (a missed heartbeat under load, not an injected fault) says "primary" in its old term
   * until the new leader's first message reaches it; the product's own alert (SplitBrain) allows a
   * minute. Longer than this is a leader that does not step down.
   */
  static final long LASTING_OVERLAP_NANOS = TimeUnit.SECONDS.toNanos(3);

  /**
   * Raft's election safety, as seen from outside: never two nodes primary in one term (by the status
   * endpoint or by the gauges), and on a settled majority side sum(stemedb_cluster_is_primary) <= 1
   * apart from the moment of a leader change ({@link #LASTING_OVERLAP_NANOS}).
   */
  public static Verdict singleLeader(List<LeaderSampler.Round> rounds) {
    List<String> v = new ArrayList<>();
    Map<Long, Set<Integer>> primariesByTerm = new TreeMap<>();
    int settled = 0;
    boolean overlapping = false; // System.nanoTime() may be any long, so no sentinel value for "none"
    long overlapSince = 0;
    boolean overlapReported = false;
    for (LeaderSampler.Round round : rounds) {
      for (LeaderSampler.Sample s : round.samples()) {
        if ("primary".equals(s.role()) && s.term() >= 0) {
          primariesByTerm.computeIfAbsent(s.term(), t -> new HashSet<>()).add(s.node());
        }
        if (s.isPrimary() != null && s.isPrimary() >= 1 && s.metricTerm() != null) {
          primariesByTerm.computeIfAbsent(s.metricTerm().longValue(), t -> new HashSet<>()).add(s.node());
        }
      }
      double sum = 0;
      if (!round.healthySide().isEmpty()) {
        settled++;
        sum = round.samples().stream().filter(s -> round.healthySide().contains(s.node()))
            .mapToDouble(s -> s.isPrimary() == null ? 0 : s.isPrimary()).sum();
      }
      if (sum <= 1) {
        overlapping = false; // no overlap, or an unsettled round: a new overlap starts from scratch
        overlapReported = false;
      } else if (!overlapping) {
        overlapping = true;
        overlapSince = round.nanos();
      } else if (!overlapReported && round.nanos() - overlapSince >= LASTING_OVERLAP_NANOS) {
        overlapReported = true;
        v.add("sum(stemedb_cluster_is_primary) = " + sum + " on the majority side " + round.healthySide() + " for "
            + TimeUnit.NANOSECONDS.toMillis(round.nanos() - overlapSince) + " ms: " + round.samples());
      }
    }
    primariesByTerm.forEach((term, nodes) -> {
      if (nodes.size() > 1) {
        v.add("term " + term + " had primaries " + nodes);
      }
    });
    if (rounds.isEmpty()) {
      v.add("no samples");
    }
    return new Verdict("single leader", v, rounds.size() + " rounds (" + settled + " settled), terms with a primary "
        + primariesByTerm.keySet());
  }

  // ---------------------------------------------------------------------------- linearizability

  /** Every register's history is linearizable under the recency lens. */
  public static Verdict linearizable(Map<String, List<Operation<Op, String>>> byKey) {
    List<String> v = new ArrayList<>();
    long explored = 0;
    int ops = 0;
    int pruned = 0;
    for (Map.Entry<String, List<Operation<Op, String>>> e : byKey.entrySet()) {
      List<Operation<Op, String>> history = prune(e.getValue());
      pruned += e.getValue().size() - history.size();
      LinearizabilityChecker.Result r = LinearizabilityChecker.check(new RecencyRegister(), history);
      explored += r.configurationsExplored();
      ops += e.getValue().size();
      if (!r.linearizable()) {
        v.add(e.getKey() + " (" + e.getValue().size() + " operations) is not linearizable; longest valid prefix "
            + r.longestOrder().size() + " operations");
      }
    }
    return new Verdict("linearizability", v, ops + " register operations on " + byKey.size() + " keys ("
        + pruned + " unobserved unknown writes set aside), " + explored + " configurations");
  }

  /**
   * Drops the writes with an unknown outcome whose value no read returned. Each of them may linearize
   * anywhere after its call or never, so the search would try every subset of them — exponential
   * after a crash leaves dozens of writes unanswered. Dropping one changes no verdict: a history
   * without it is linearizable whenever the history with it is (it "never happened" is one of its
   * allowed outcomes), and conversely, given an order that places it, the same order without it is
   * valid: while it was the register's winner no read ran (none returned its value), and the first
   * later write that beats it also beats whatever stands in its place, so the states agree again
   * before the next read.
   */
  static List<Operation<Op, String>> prune(List<Operation<Op, String>> history) {
    Set<String> observed = new HashSet<>();
    for (Operation<Op, String> op : history) {
      if (op.input().write() == null && op.output() != null) {
        observed.add(op.output());
      }
    }
    return history.stream()
        .filter(op -> op.outcomeKnown() || op.input().write() == null || observed.contains(op.input().write().value()))
        .toList();
  }

  // ------------------------------------------------------------------------------------- minority

  /**
   * What a node cut off from the majority answered: to a write, a linearizable read and a leader read
   * (null: no answer), how long each took, and its commit index before and after.
   */
  public record MinorityProbe(int node, Integer write, Integer linearizableRead, Integer leaderRead,
      long slowestMs, long commitBefore, long commitAfter) {}

  /** The minority refused (503 unavailable) within the request timeout plus slack, and committed nothing. */
  public static Verdict minority(List<MinorityProbe> probes, Duration limit) {
    List<String> v = new ArrayList<>();
    for (MinorityProbe p : probes) {
      if (!Objects.equals(p.write(), 503)) {
        v.add("n" + p.node() + " answered a write with " + p.write());
      }
      if (!Objects.equals(p.linearizableRead(), 503)) {
        v.add("n" + p.node() + " answered a linearizable read with " + p.linearizableRead());
      }
      if (!Objects.equals(p.leaderRead(), 503)) {
        v.add("n" + p.node() + " answered a leader read with " + p.leaderRead());
      }
      if (p.slowestMs() > limit.toMillis()) {
        v.add("n" + p.node() + " took " + p.slowestMs() + " ms to answer (limit " + limit.toMillis() + ")");
      }
      if (p.commitAfter() != p.commitBefore()) {
        v.add("n" + p.node() + " committed while cut off: " + p.commitBefore() + " -> " + p.commitAfter());
      }
    }
    if (probes.isEmpty()) {
      v.add("no probes");
    }
    return new Verdict("minority", v, probes.toString());
  }

  /**
   * Asks {@code node}, which the test has cut off from every majority, for a write, a linearizable
   * read and a leader read, all at once (each may wait out the request timeout).
   */
  public static MinorityProbe probeMinority(FaultCluster c, int node) {
    NodeHttp http = c.http();
    long before = c.status(node).map(s -> s.path("commitIndex").asLong()).orElse(-1L);
    String subject = "minority:" + System.nanoTime();
    String read = c.url(node) + "/v1/resolve?subject=" + subject + "&predicate=p&consistency=";
    // Its own threads: the common pool has one thread on a two-core machine, which would serialise them.
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
    java.util.function.Function<java.util.function.Supplier<NodeHttp.Answer>, java.util.concurrent.CompletableFuture<long[]>> timed =
        call -> java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          long t0 = System.nanoTime();
          NodeHttp.Answer a = call.get();
          return new long[] {a == null ? -1 : a.status(), (System.nanoTime() - t0) / 1_000_000};
        }, pool);
    var w = timed.apply(() -> http.post(c.url(node) + "/v1/assertions",
        "{\"subject\":\"" + subject + "\",\"predicate\":\"p\",\"value\":\"m\",\"agent\":\"probe\"}", Duration.ofSeconds(30)));
    var lr = timed.apply(() -> http.get(read + "linearizable", Duration.ofSeconds(30)));
    var ld = timed.apply(() -> http.get(read + "leader", Duration.ofSeconds(30)));
    long[][] r = {w.join(), lr.join(), ld.join()};
    pool.shutdown();
    long after = c.status(node).map(s -> s.path("commitIndex").asLong()).orElse(-2L);
    long slowest = Math.max(r[0][1], Math.max(r[1][1], r[2][1]));
    return new MinorityProbe(node, status(r[0][0]), status(r[1][0]), status(r[2][0]), slowest, before, after);
  }

  private static Integer status(long s) {
    return s < 0 ? null : (int) s;
  }

  // --------------------------------------------------------------------------------- gather + run

  /** Waits (up to {@code timeout}) until every node reports one root at one index; the last states seen. */
  public static Map<Integer, MerkleState> awaitConvergence(FaultCluster c, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<Integer, MerkleState> states = new TreeMap<>();
    while (System.nanoTime() < deadline) {
      states = new TreeMap<>();
      for (int k = 1; k <= c.nodes(); k++) {
        JsonNode m = c.http().json(c.url(k) + "/v1/admin/merkle", Duration.ofSeconds(5)).orElse(null);
        states.put(k, m == null ? null : new MerkleState(m.get("index").asLong(), m.get("root").asText()));
      }
      if (convergence(states).passed()) {
        return states;
      }
      Thread.sleep(300);
    }
    return states;
  }

  /**
   * Why replicas did not converge, for a failure seen only on a CI machine whose files are gone: every
   * node's view of the cluster, and the recent log of each node behind the most advanced one (without
   * Ratis's per-request refusals during a snapshot installation, which would fill the tail).
   */
  static String laggards(FaultCluster c, Map<Integer, MerkleState> states) {
    long highest = states.values().stream().filter(Objects::nonNull).mapToLong(MerkleState::index).max().orElse(-1);
    StringBuilder b = new StringBuilder();
    for (int k = 1; k <= c.nodes(); k++) {
      b.append("  n").append(k).append(" status: ").append(c.status(k).map(Object::toString).orElse("(no answer)")).append('\n');
    }
    for (int k = 1; k <= c.nodes(); k++) {
      MerkleState s = states.get(k);
      if (s != null && s.index() == highest) {
        continue;
      }
      List<String> lines = c.log(k).lines()
          .filter(l -> !l.contains("snapshot installation is in progress") && !l.contains(" DEBUG ")).toList();
      b.append("  n").append(k).append(" log, last 60 lines:\n");
      lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(l -> b.append("    ").append(l).append('\n'));
      b.append("  n").append(k).append(" data directory:\n").append(c.listing(k));
      b.append("  n").append(k).append(" threads in StemeDB code or applying the log:\n")
          .append(applyThreads(c.threadDump(k)));
    }
    return b.toString();
  }

  /** The stacks of a thread dump that show where a replica's apply stands (Ratis's updater, our code). */
  static String applyThreads(String dump) {
    StringBuilder b = new StringBuilder();
    for (String thread : dump.split("\n\\s*\n")) {
      if (thread.contains("StateMachineUpdater") || thread.contains("io.stemedb")) {
        thread.lines().limit(40).forEach(l -> b.append("    ").append(l).append('\n'));
      }
    }
    return b.toString();
  }

  /** Everything one replica holds of the workload's subjects, read locally (stale: no quorum needed). */
  public static Replica replica(FaultCluster c, int node, Workload w) {
    List<String> values = new ArrayList<>();
    for (String key : w.registers()) {
      values.addAll(storedValues(c, node, key, "p"));
    }
    for (String subject : w.auxSubjects()) {
      values.addAll(storedValues(c, node, subject, "r"));
    }
    Set<String> ids = new HashSet<>(w.history().retracted);
    w.history().votes.forEach(v -> ids.add(v.assertionId()));
    Set<String> retracted = new HashSet<>();
    Set<History.Vote> votes = new HashSet<>();
    for (String id : ids) {
      JsonNode a = c.http().json(c.url(node) + "/v1/assertions/" + id + "?consistency=stale", Duration.ofSeconds(10)).orElse(null);
      if (a == null) {
        continue;
      }
      if (a.path("retracted").asBoolean()) {
        retracted.add(id);
      }
      a.path("votes").forEach(v -> votes.add(new History.Vote(id, v.get("agent").asText(), v.get("stance").asText())));
    }
    return new Replica(values, retracted, votes);
  }

  static List<String> storedValues(FaultCluster c, int node, String subject, String predicate) {
    List<String> values = new ArrayList<>();
    String after = "0";
    for (int page = 0; page < 10_000 && after != null; page++) {
      JsonNode p = c.http().json(c.url(node) + "/v1/assertions?subject=" + subject + "&predicate=" + predicate
          + "&limit=500&afterIndex=" + after + "&consistency=stale", Duration.ofSeconds(10))
          .orElseThrow(() -> new AssertionError("n" + node + " did not list " + subject));
      p.get("items").forEach(item -> values.add(item.get("value").asText()));
      after = p.get("nextAfterIndex").isNull() ? null : p.get("nextAfterIndex").asText();
    }
    return values;
  }

  /** Observations, verdicts and faults of one run. */
  public record Report(String name, History history, List<String> faults, List<Verdict> verdicts, String diagnosis) {
    public Report(String name, History history, List<String> faults, List<Verdict> verdicts) {
      this(name, history, faults, verdicts, "");
    }

    public boolean passed() {
      return verdicts.stream().allMatch(Verdict::passed);
    }

    public String text() {
      StringBuilder b = new StringBuilder("=== " + name + ": " + history.total() + " operations, " + faults.size()
          + " faults, " + (passed() ? "all checkers pass" : "VIOLATIONS") + "\n");
      b.append("operations:\n").append(history.summary());
      b.append("faults:\n");
      faults.forEach(f -> b.append("  ").append(f).append('\n'));
      b.append("verdicts:\n");
      verdicts.forEach(v -> b.append("  ").append(v).append('\n'));
      if (!diagnosis.isEmpty()) {
        b.append("diagnosis:\n").append(diagnosis);
      }
      return b.toString();
    }
  }

  /**
   * After the workload has stopped and every fault is healed: convergence, then durability on every
   * replica, linearizability of every register, no invented values or contract anomalies, and a
   * single leader per term (when a sampler ran), plus any extra verdicts the scenario made.
   */
  public static Report verifyAll(String name, FaultCluster c, Workload w, LeaderSampler sampler, List<Verdict> extra)
      throws InterruptedException {
    List<Verdict> verdicts = new ArrayList<>();
    Map<Integer, MerkleState> roots = awaitConvergence(c, Duration.ofSeconds(90));
    Verdict converged = convergence(roots);
    verdicts.add(converged);
    String diagnosis = converged.passed() ? "" : laggards(c, roots);
    if (!diagnosis.isEmpty()) {
      System.out.println(name + ": replicas did not converge\n" + diagnosis); // the checks below may throw
    }
    Map<Integer, Replica> replicas = new TreeMap<>();
    for (int k = 1; k <= c.nodes(); k++) {
      replicas.put(k, replica(c, k, w));
    }
    verdicts.add(durability(w.history(), replicas));
    verdicts.add(linearizable(w.history().byKey()));
    List<String> odd = new ArrayList<>(w.history().anomalies);
    odd.addAll(w.history().invented);
    verdicts.add(new Verdict("contract", odd, "no 500s, no refused valid requests, stale reads only of written values"));
    if (sampler != null) {
      verdicts.add(singleLeader(sampler.rounds()));
    }
    verdicts.addAll(extra);
    Report r = new Report(name, w.history(), c.faults(), verdicts, diagnosis);
    System.out.println(r.text());
    return r;
  }
}
