package io.stemedb.tests.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.stemedb.tests.history.Operation;
import io.stemedb.tests.history.RecencyRegister.Op;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent clients against every node: unique claims on a few registers (single and batched, plus
 * batches that must be refused whole), claims that get retracted and voted on, and reads of the
 * registers through every consistency level on every node. Every operation goes to {@link History}
 * with its invocation and return times on one monotonic clock, or as unknown when it timed out, lost
 * its connection or was answered 503/504 (the contract says it may still commit).
 *
 * <p>Each claim's {@code observedAt} comes from one counter, so every claim of a register has its own
 * and the recency lens never falls back to tie-breaks — which keeps the register model exact.
 */
public final class Workload implements AutoCloseable {
  static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
  static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

  /** Clients, registers, and the pause between one client's operations. */
  public record Config(int clients, int registers, Duration think) {
    public static Config standard() {
      return new Config(5, 4, Duration.ofMillis(10));
    }
  }

  private record AuxClaim(String id, int owner) {}

  private final FaultCluster cluster;
  private final Config config;
  private final String tag;
  private final History history = new History();
  private final NodeHttp http = new NodeHttp();
  private final AtomicLong observed;
  private final List<AuxClaim> auxClaims = new CopyOnWriteArrayList<>();
  private final Set<String> retracting = ConcurrentHashMap.newKeySet();
  private final Set<String> voted = ConcurrentHashMap.newKeySet();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  public Workload(FaultCluster cluster, Config config) {
    this.cluster = cluster;
    this.config = config;
    this.tag = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    // Strictly later than any run before in the same cluster (the soak starts several workloads).
    this.observed = new AtomicLong(System.currentTimeMillis() - EPOCH.toEpochMilli() + 1_000_000_000L);
  }

  public History history() {
    return history;
  }

  public List<String> registers() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < config.registers(); i++) {
      keys.add("reg:" + tag + ":" + i);
    }
    return keys;
  }

  /** The subjects holding the retracted and voted claims (predicate "r"). */
  public List<String> auxSubjects() {
    List<String> subjects = new ArrayList<>();
    for (int p = 0; p < config.clients(); p++) {
      subjects.add("aux:" + tag + ":" + p);
    }
    return subjects;
  }

  public Workload start() {
    running = true;
    for (int p = 0; p < config.clients(); p++) {
      int process = p;
      Thread t = new Thread(() -> client(process), "client-" + p);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    return this;
  }

  /** Stops the clients; operations in flight finish (bounded by their timeouts). */
  public void stop() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(WRITE_TIMEOUT.toMillis() + 5_000);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private void client(int p) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int n = 0;
    while (running) {
      int node = 1 + random.nextInt(cluster.nodes());
      int dice = random.nextInt(100);
      n++;
      try {
        if (dice < 30) {
          writeOne(p, node, "c" + p + "-" + n);
        } else if (dice < 40) {
          writeBatch(p, node, n, random);
        } else if (dice < 43) {
          refusedBatch(p, node, n);
        } else if (dice < 50) {
          auxClaim(p, node, n);
        } else if (dice < 55) {
          retract(p, node, random);
        } else if (dice < 60) {
          vote(p, node, random);
        } else {
          read(p, node, random);
        }
      } catch (RuntimeException e) {
        history.anomaly("client " + p + ": " + e);
      }
      sleep(config.think().toMillis());
    }
  }

  private String key(int i) {
    return "reg:" + tag + ":" + i;
  }

  private static String claim(String subject, String predicate, String value, String agent, long observedAt) {
    return String.format("{\"subject\":\"%s\",\"predicate\":\"%s\",\"value\":\"%s\",\"agent\":\"%s\",\"observedAt\":\"%s\"}",
        subject, predicate, value, agent, EPOCH.plusMillis(observedAt));
  }

  private void writeOne(int p, int node, String value) {
    String key = key(ThreadLocalRandom.current().nextInt(config.registers()));
    long at = observed.incrementAndGet();
    history.attempted.add(value);
    long invoked = System.nanoTime();
    NodeHttp.Answer a = http.post(cluster.url(node) + "/v1/assertions", claim(key, "p", value, "client" + p, at), WRITE_TIMEOUT);
    long returned = System.nanoTime();
    Op op = Op.write(value, at);
    if (a != null && a.ok()) {
      history.acknowledged.add(value);
      history.add(new History.Recorded(key, node, "write", new Operation<>(p, invoked, returned, op, null)));
      history.count("write", History.Outcome.OK);
    } else if (a == null || a.status() == 503 || a.status() == 504) {
      history.add(new History.Recorded(key, node, "write", Operation.unknown(p, invoked, op)));
      history.count("write", History.Outcome.UNKNOWN);
    } else if (a.status() == NodeHttp.REFUSED) {
      refused(value);
      history.count("write", History.Outcome.FAILED);
    } else {
      history.anomaly("write answered " + a.status() + ": " + a.body());
      history.add(new History.Recorded(key, node, "write", Operation.unknown(p, invoked, op)));
      history.count("write", History.Outcome.FAILED);
    }
  }

  /** 2–4 claims on distinct registers in one atomic batch: each is a write of its register. */
  private void writeBatch(int p, int node, int n, ThreadLocalRandom random) {
    List<Integer> regs = new ArrayList<>();
    for (int i = 0; i < config.registers(); i++) {
      regs.add(i);
    }
    java.util.Collections.shuffle(regs, random);
    int size = Math.min(regs.size(), 2 + random.nextInt(3));
    List<String> keys = new ArrayList<>();
    List<Op> ops = new ArrayList<>();
    StringBuilder body = new StringBuilder("{\"assertions\":[");
    for (int i = 0; i < size; i++) {
      String key = key(regs.get(i));
      String value = "b" + p + "-" + n + "-" + i;
      long at = observed.incrementAndGet();
      history.attempted.add(value);
      keys.add(key);
      ops.add(Op.write(value, at));
      body.append(i == 0 ? "" : ",").append(claim(key, "p", value, "client" + p, at));
    }
    body.append("]}");
    long invoked = System.nanoTime();
    NodeHttp.Answer a = http.post(cluster.url(node) + "/v1/assertions", body.toString(), WRITE_TIMEOUT);
    long returned = System.nanoTime();
    boolean ok = a != null && a.ok();
    boolean unknown = a == null || a.status() == 503 || a.status() == 504;
    if (a != null && a.status() == NodeHttp.REFUSED) {
      ops.forEach(op -> refused(op.write().value()));
      history.count("batch", History.Outcome.FAILED);
      return;
    }
    if (!ok && !unknown) {
      history.anomaly("batch answered " + a.status() + ": " + a.body());
    }
    for (int i = 0; i < size; i++) {
      if (ok) {
        history.acknowledged.add(ops.get(i).write().value());
      }
      history.add(new History.Recorded(keys.get(i), node, "batch",
          ok ? new Operation<>(p, invoked, returned, ops.get(i), null) : Operation.unknown(p, invoked, ops.get(i))));
    }
    history.count("batch", ok ? History.Outcome.OK : unknown ? History.Outcome.UNKNOWN : History.Outcome.FAILED);
  }

  /** A batch with one invalid item: refused whole, so none of its valid claims may ever be stored. */
  private void refusedBatch(int p, int node, int n) {
    String good = "x" + p + "-" + n;
    String body = "{\"assertions\":[" + claim(key(0), "p", good, "client" + p, observed.incrementAndGet())
        + "," + claim(key(0), "p", good + "-bad", "bad agent!", observed.incrementAndGet()) + "]}";
    history.attempted.add(good);
    NodeHttp.Answer a = http.post(cluster.url(node) + "/v1/assertions", body, WRITE_TIMEOUT);
    if (a != null && a.status() == 400) {
      history.failedDefinitively.add(good);
      history.count("refused batch", History.Outcome.FAILED);
    } else if (a == null || a.status() == 503 || a.status() == 504 || a.status() == NodeHttp.REFUSED) {
      history.count("refused batch", History.Outcome.UNKNOWN);
    } else {
      history.anomaly("a batch with an invalid agent answered " + a.status() + ": " + a.body());
      history.count("refused batch", History.Outcome.OK);
    }
  }

  private void auxClaim(int p, int node, int n) {
    String value = "a" + p + "-" + n;
    history.attempted.add(value);
    NodeHttp.Answer a = http.post(cluster.url(node) + "/v1/assertions",
        claim("aux:" + tag + ":" + p, "r", value, "client" + p, observed.incrementAndGet()), WRITE_TIMEOUT);
    if (a != null && a.ok()) {
      history.acknowledged.add(value);
      auxClaims.add(new AuxClaim(a.json().get("id").asText(), p));
      history.count("claim to retract/vote", History.Outcome.OK);
    } else {
      history.count("claim to retract/vote", a == null || a.status() >= 503 ? History.Outcome.UNKNOWN : History.Outcome.FAILED);
      if (a != null && a.status() == NodeHttp.REFUSED) {
        refused(value);
      }
    }
  }

  private void retract(int p, int node, ThreadLocalRandom random) {
    List<AuxClaim> mine = auxClaims.stream().filter(c -> c.owner() == p && !retracting.contains(c.id())).toList();
    if (mine.isEmpty()) {
      return;
    }
    AuxClaim c = mine.get(random.nextInt(mine.size()));
    retracting.add(c.id());
    NodeHttp.Answer a = http.post(cluster.url(node) + "/v1/retractions",
        "{\"assertionId\":\"" + c.id() + "\",\"agent\":\"client" + p + "\"}", WRITE_TIMEOUT);
    if (a != null && a.ok()) {
      history.retracted.add(c.id());
      history.count("retract", History.Outcome.OK);
    } else if (a == null || a.status() >= 503) {
      history.count("retract", History.Outcome.UNKNOWN);
    } else if (a.status() == NodeHttp.REFUSED) {
      history.count("retract", History.Outcome.FAILED);
      pauseAfterRefusal();
    } else {
      history.anomaly("retraction answered " + a.status() + ": " + a.body());
      history.count("retract", History.Outcome.FAILED);
    }
  }

  private void vote(int p, int node, ThreadLocalRandom random) {
    List<AuxClaim> others = auxClaims.stream().filter(c -> c.owner() != p && !voted.contains(c.id() + "/" + p)).toList();
    if (others.isEmpty()) {
      return;
    }
    AuxClaim c = others.get(random.nextInt(others.size()));
    voted.add(c.id() + "/" + p); // one vote per agent and claim, so an acknowledged one is never replaced
    String stance = random.nextBoolean() ? "endorse" : "dispute";
    NodeHttp.Answer a = http.post(cluster.url(node) + "/v1/votes",
        "{\"assertionId\":\"" + c.id() + "\",\"agent\":\"client" + p + "\",\"stance\":\"" + stance + "\"}", WRITE_TIMEOUT);
    if (a != null && a.ok()) {
      history.votes.add(new History.Vote(c.id(), "client" + p, stance));
      history.count("vote", History.Outcome.OK);
    } else if (a == null || a.status() >= 503) {
      history.count("vote", History.Outcome.UNKNOWN);
    } else if (a.status() == NodeHttp.REFUSED) {
      history.count("vote", History.Outcome.FAILED);
      pauseAfterRefusal();
    } else {
      history.anomaly("vote answered " + a.status() + ": " + a.body());
      history.count("vote", History.Outcome.FAILED);
    }
  }

  private void read(int p, int node, ThreadLocalRandom random) {
    String key = key(random.nextInt(config.registers()));
    String consistency = switch (random.nextInt(5)) {
      case 0, 1 -> "linearizable";
      case 2, 3 -> "leader";
      default -> "stale";
    };
    long invoked = System.nanoTime();
    NodeHttp.Answer a = http.get(cluster.url(node) + "/v1/resolve?subject=" + key + "&predicate=p&consistency=" + consistency,
        WRITE_TIMEOUT);
    long returned = System.nanoTime();
    String kind = "read " + consistency;
    if (a == null || a.status() == 503 || a.status() == 504 || a.status() == NodeHttp.REFUSED) {
      history.count(kind, a == null ? History.Outcome.UNKNOWN : History.Outcome.FAILED); // a failed read tells nothing
      if (a != null && a.status() == NodeHttp.REFUSED) {
        pauseAfterRefusal();
      }
      return;
    }
    if (a.status() != 200 && a.status() != 404) {
      history.anomaly(kind + " answered " + a.status() + ": " + a.body());
      history.count(kind, History.Outcome.FAILED);
      return;
    }
    JsonNode body = a.status() == 200 ? a.json() : null;
    String value = body == null ? null : body.get("value").asText();
    history.count(kind, History.Outcome.OK);
    if (consistency.equals("stale")) {
      if (value != null && !history.attempted.contains(value)) {
        history.invented(kind + " on n" + node + " of " + key + " returned " + value);
      }
    } else {
      history.add(new History.Recorded(key, node, consistency, new Operation<>(p, invoked, returned, Op.read(), value)));
    }
  }

  /** A write whose connection was refused was never sent: it certainly did not happen. */
  private void refused(String value) {
    history.failedDefinitively.add(value);
    pauseAfterRefusal();
  }

  /** A node that refuses connections is down; don't spin on it. */
  private void pauseAfterRefusal() {
    sleep(100);
  }

  private void sleep(long ms) {
    if (ms <= 0) {
      return;
    }
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }
}
