package io.stemedb.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stemedb.tests.history.LinearizabilityChecker;
import io.stemedb.tests.history.Operation;
import io.stemedb.tests.history.RecencyRegister;
import io.stemedb.tests.history.RecencyRegister.Op;
import io.stemedb.tools.StemeDbCli;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Jepsen-style, on three real node processes: concurrent clients write and read a few keys through
 * every node while the leader is killed with SIGKILL and later restarted. Every operation is
 * recorded with its invocation and return times; afterwards each key's history must be linearizable
 * under the recency lens, every acknowledged write must be on every replica, nothing must be stored
 * that no client wrote, the replicas must agree on one Merkle root, and no two nodes may have said
 * "primary" in the same term at any sample.
 */
class LinearizabilityUnderFailoverTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> KEYS = List.of("reg:0", "reg:1", "reg:2");
  static final long RUN_MS = 9_000;
  static final long KILL_AT_MS = 3_000;
  static final long RESTART_AT_MS = 6_000;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  @TempDir Path dir;
  int base;

  /** What one client operation did, for the checkers. */
  record Recorded(String key, Operation<Op, String> op) {}

  final List<Recorded> history = new ArrayList<>();
  final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  final Set<String> attempted = ConcurrentHashMap.newKeySet();
  final AtomicLong clock = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());

  @AfterEach
  void down() {
    new CommandLine(new StemeDbCli()).execute("cluster", "down", "--dir", dir.toString());
  }

  String url(int node) {
    return "http://127.0.0.1:" + (base + 100 * (node - 1));
  }

  @Test
  void historiesStayLinearizableAndNoAcknowledgedWriteIsLostWhenTheLeaderIsKilled() throws Exception {
    base = LocalClusterProcessTest.freeBase();
    assertThat(new CommandLine(new StemeDbCli())
        .execute("cluster", "up", "--detach", "--dir", dir.toString(), "--base-port", Integer.toString(base))).isZero();

    long start = System.nanoTime();
    ExecutorService clients = Executors.newFixedThreadPool(7);
    Future<Map<Long, Set<String>>> leaders = clients.submit(() -> sampleLeaders(start));
    List<Future<List<Recorded>>> runs = new ArrayList<>();
    for (int p = 0; p < 6; p++) {
      int process = p;
      runs.add(clients.submit(() -> client(process, start)));
    }
    String killed = null;
    try {
      sleepUntil(start, KILL_AT_MS);
      killed = leader();
      long pid = Long.parseLong(Files.readString(dir.resolve(killed).resolve("node.pid")).trim());
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      sleepUntil(start, RESTART_AT_MS);
      assertThat(new CommandLine(new StemeDbCli()).execute("cluster", "start-node", killed, "--dir", dir.toString())).isZero();
      for (Future<List<Recorded>> r : runs) {
        history.addAll(r.get());
      }
      Map<Long, Set<String>> primariesByTerm = leaders.get();
      System.out.println("primaries seen per term: " + primariesByTerm);
      assertThat(primariesByTerm).as("terms with a primary").isNotEmpty();
      assertThat(primariesByTerm.values()).as("never two primaries in one term").allMatch(p -> p.size() == 1);
    } finally {
      clients.shutdownNow();
    }

    Map<String, List<Operation<Op, String>>> byKey = new TreeMap<>();
    history.forEach(r -> byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.op()));
    long writes = history.stream().filter(r -> r.op().input().write() != null).count();
    long reads = history.size() - writes;
    System.out.printf("history: %d operations (%d writes, %d acknowledged; %d reads), leader %s killed%n",
        history.size(), writes, acknowledged.size(), reads, killed);
    assertThat(acknowledged).as("writes acknowledged").hasSizeGreaterThan(20);
    assertThat(reads).as("reads that returned").isGreaterThan(20);

    for (Map.Entry<String, List<Operation<Op, String>>> e : byKey.entrySet()) {
      LinearizabilityChecker.Result result = LinearizabilityChecker.check(new RecencyRegister(), e.getValue());
      assertThat(result.linearizable())
          .as("history of %s (%d operations) is linearizable; longest valid order %s", e.getKey(),
              e.getValue().size(), result.longestOrder())
          .isTrue();
    }

    awaitConverged();
    for (int node = 1; node <= 3; node++) {
      Set<String> stored = new HashSet<>();
      for (String key : KEYS) {
        stored.addAll(storedValues(node, key));
      }
      assertThat(stored).as("node n%d holds every acknowledged write", node).containsAll(acknowledged);
      assertThat(new HashSet<>(stored)).as("node n%d holds each claim once", node).hasSameSizeAs(stored);
      assertThat(attempted).as("node n%d holds only values that clients wrote", node).containsAll(stored);
    }
  }

  /** Every claim's value in a key's full history on one node (not just each agent's latest). */
  List<String> storedValues(int node, String key) throws Exception {
    List<String> values = new ArrayList<>();
    String after = "0";
    while (after != null) {
      JsonNode page = getJson(url(node) + "/v1/assertions?subject=" + key + "&predicate=p&limit=500&afterIndex=" + after
          + "&consistency=stale");
      if (page == null) {
        break;
      }
      page.get("items").forEach(item -> {
        if (item.has("value")) {
          values.add(item.get("value").asText());
        }
      });
      after = page.get("nextAfterIndex").isNull() ? null : page.get("nextAfterIndex").asText();
    }
    return values;
  }

  /** One client: random reads and writes of random keys on random nodes until the run ends. */
  List<Recorded> client(int process, long start) {
    List<Recorded> mine = new ArrayList<>();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int n = 0;
    while (System.nanoTime() - start < RUN_MS * 1_000_000) {
      String key = KEYS.get(random.nextInt(KEYS.size()));
      int node = 1 + random.nextInt(3);
      if (random.nextBoolean()) {
        String value = "c" + process + "-" + n++;
        long observedAt = clock.incrementAndGet(); // distinct per claim: recency decides by it alone
        attempted.add(value);
        long invoked = System.nanoTime();
        Integer status = send(HttpRequest.newBuilder(URI.create(url(node) + "/v1/assertions"))
            .POST(HttpRequest.BodyPublishers.ofString(String.format(
                "{\"subject\":\"%s\",\"predicate\":\"p\",\"value\":\"%s\",\"agent\":\"client%d\",\"observedAt\":\"%s\"}",
                key, value, process, Instant.ofEpochMilli(observedAt))))
            .header("Content-Type", "application/json"), null);
        Op op = Op.write(value, observedAt);
        if (status != null && (status == 200 || status == 201)) {
          acknowledged.add(value);
          mine.add(new Recorded(key, new Operation<>(process, invoked, System.nanoTime(), op, null)));
        } else if (status == null || status == 503) {
          // timed out, connection lost, or "unavailable": it may still commit
          mine.add(new Recorded(key, Operation.unknown(process, invoked, op)));
        } else {
          throw new AssertionError("write answered " + status);
        }
      } else {
        String consistency = random.nextBoolean() ? "linearizable" : "leader";
        long invoked = System.nanoTime();
        String[] body = new String[1];
        Integer status = send(HttpRequest.newBuilder(URI.create(url(node) + "/v1/resolve?subject=" + key
            + "&predicate=p&consistency=" + consistency)).GET(), body);
        long returned = System.nanoTime();
        if (status != null && (status == 200 || status == 404)) {
          String value = status == 404 ? null : read(body[0]);
          mine.add(new Recorded(key, new Operation<>(process, invoked, returned, Op.read(), value)));
        } // a failed read tells nothing
      }
    }
    return mine;
  }

  /**
   * Samples every node's role and term every 50 ms for the whole run: which nodes said "primary" in
   * which term. Raft allows at most one leader per term; a node that says so in a term another node
   * also leads would be split brain.
   */
  Map<Long, Set<String>> sampleLeaders(long start) throws Exception {
    Map<Long, Set<String>> primaries = new TreeMap<>();
    while (System.nanoTime() - start < RUN_MS * 1_000_000) {
      for (int node = 1; node <= 3; node++) {
        String[] body = new String[1];
        Integer status = send(HttpRequest.newBuilder(URI.create(url(node) + "/v1/admin/cluster/status")).GET(), body);
        if (status != null && status == 200) {
          JsonNode s = JSON.readTree(body[0]);
          if (s.get("role").asText().equals("primary")) {
            primaries.computeIfAbsent(s.get("term").asLong(), t -> new HashSet<>()).add(s.get("nodeId").asText());
          }
        }
      }
      Thread.sleep(50);
    }
    return primaries;
  }

  Integer send(HttpRequest.Builder request, String[] body) {
    try {
      HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
      if (body != null) {
        body[0] = r.body();
      }
      return r.statusCode();
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  static String read(String body) {
    try {
      return JSON.readTree(body).get("value").asText();
    } catch (IOException e) {
      throw new AssertionError("unreadable resolve answer: " + body, e);
    }
  }

  JsonNode getJson(String u) throws Exception {
    String[] body = new String[1];
    Integer status = send(HttpRequest.newBuilder(URI.create(u)).GET(), body);
    if (status == null || status == 404) {
      return null;
    }
    assertThat(status).as("GET %s: %s", u, body[0]).isEqualTo(200);
    return JSON.readTree(body[0]);
  }

  String leader() throws Exception {
    for (int attempt = 0; attempt < 100; attempt++) {
      for (int node = 1; node <= 3; node++) {
        JsonNode s = getJson(url(node) + "/v1/admin/cluster/status");
        if (s != null && s.path("leader").has("id")) {
          return s.get("leader").get("id").asText();
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no leader");
  }

  /** Waits until all three nodes report one Merkle root at one applied index. */
  void awaitConverged() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    List<String> last = List.of();
    while (System.nanoTime() < deadline) {
      List<String> roots = new ArrayList<>();
      for (int node = 1; node <= 3; node++) {
        JsonNode m = getJson(url(node) + "/v1/admin/merkle");
        roots.add(m == null ? "down" : m.get("index").asLong() + ":" + m.get("root").asText());
      }
      if (!roots.contains("down") && new HashSet<>(roots).size() == 1) {
        return;
      }
      last = roots;
      Thread.sleep(200);
    }
    throw new AssertionError("replicas did not converge: " + last);
  }

  static void sleepUntil(long start, long ms) throws InterruptedException {
    long left = ms - (System.nanoTime() - start) / 1_000_000;
    if (left > 0) {
      Thread.sleep(left);
    }
  }
}
