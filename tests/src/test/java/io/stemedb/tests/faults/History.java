package io.stemedb.tests.faults;

import io.stemedb.tests.history.Operation;
import io.stemedb.tests.history.RecencyRegister.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a workload did, for the checkers: every register operation with its invocation and return
 * times (unknown outcomes have no return), every value written with its fate, every acknowledged
 * retraction and vote, and how many operations of each kind ended ok, failed or unknown.
 */
public final class History {
  /** One register operation (a write of a claim or a read of its resolution) and where it went. */
  public record Recorded(String key, int node, String consistency, Operation<Op, String> op) {}

  /** A vote the cluster acknowledged. */
  public record Vote(String assertionId, String agent, String stance) {}

  /** Outcome of a client operation. */
  public enum Outcome { OK, FAILED, UNKNOWN }

  private final List<Recorded> operations = new ArrayList<>();
  /** Claim values the cluster acknowledged (201 or 200). */
  public final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  /** Claim values any client ever sent. */
  public final Set<String> attempted = ConcurrentHashMap.newKeySet();
  /** Claim values whose write was refused for good (a 400 batch): they must never be stored. */
  public final Set<String> failedDefinitively = ConcurrentHashMap.newKeySet();
  /** Assertion ids whose retraction was acknowledged. */
  public final Set<String> retracted = ConcurrentHashMap.newKeySet();
  public final Set<Vote> votes = ConcurrentHashMap.newKeySet();
  /** Stale reads that returned a value nobody wrote (must stay empty). */
  public final List<String> invented = new ArrayList<>();
  /** Answers the contract does not allow (a 500, a 400 to a valid request): must stay empty. */
  public final List<String> anomalies = new ArrayList<>();
  private final Map<String, AtomicInteger[]> outcomes = new ConcurrentHashMap<>();

  public synchronized void add(Recorded r) {
    operations.add(r);
  }

  public synchronized List<Recorded> operations() {
    return List.copyOf(operations);
  }

  public synchronized void anomaly(String what) {
    anomalies.add(what);
    System.out.println("anomaly: " + what);
  }

  public synchronized void invented(String what) {
    invented.add(what);
  }

  public void count(String kind, Outcome outcome) {
    outcomes.computeIfAbsent(kind, k -> new AtomicInteger[] {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()})
        [outcome.ordinal()].incrementAndGet();
  }

  /** kind → [ok, failed, unknown]. */
  public Map<String, int[]> outcomes() {
    Map<String, int[]> out = new TreeMap<>();
    outcomes.forEach((k, v) -> out.put(k, new int[] {v[0].get(), v[1].get(), v[2].get()}));
    return out;
  }

  public int total() {
    return outcomes().values().stream().mapToInt(a -> a[0] + a[1] + a[2]).sum();
  }

  /** Register operations by key, for the per-key linearizability check. */
  public Map<String, List<Operation<Op, String>>> byKey() {
    Map<String, List<Operation<Op, String>>> out = new TreeMap<>();
    for (Recorded r : operations()) {
      out.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.op());
    }
    return out;
  }

  public String summary() {
    StringBuilder b = new StringBuilder();
    outcomes().forEach((k, v) -> b.append(String.format("  %-22s ok %6d  failed %5d  unknown %5d%n", k, v[0], v[1], v[2])));
    return b.toString();
  }
}
