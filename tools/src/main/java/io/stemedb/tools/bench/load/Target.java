package io.stemedb.tools.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The nodes a benchmark talks to, which of them leads, and the rate limits it raises on each. */
public final class Target {
  /** Where writes go: every node in turn (followers forward to the leader), or the leader only. */
  public enum Writes { ALL, LEADER }

  /** What the benchmark raises every rate limit it meets to: far above anything one cluster serves. */
  public static final long UNLIMITED_PER_SECOND = 1_000_000_000L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<URI> nodes;
  private final URI leader;

  private Target(List<URI> nodes, URI leader) {
    this.nodes = List.copyOf(nodes);
    this.leader = leader;
  }

  /**
   * Asks each node for the cluster status (GET /v1/admin/cluster/status) until one names a leader.
   *
   * @param urls base URLs such as http://127.0.0.1:18180
   */
  public static Target discover(List<String> urls, Http http) throws InterruptedException {
    List<URI> nodes = urls.stream().map(u -> URI.create(u.endsWith("/") ? u.substring(0, u.length() - 1) : u)).toList();
    long deadline = System.nanoTime() + 60_000_000_000L;
    String lastProblem = "no answer";
    while (System.nanoTime() < deadline) {
      for (URI node : nodes) {
        Http.Reply r = http.get(node.resolve("/v1/admin/cluster/status"));
        if (r.status() == 401 || r.status() == 403) {
          throw new IllegalStateException(node + " refused the cluster status (" + r.status() + " " + r.text()
              + "): pass the admin token with --token");
        }
        if (!r.ok()) {
          lastProblem = node + " answered " + (r.status() == Http.NO_ANSWER ? "nothing" : r.status() + " " + r.text());
          continue;
        }
        String address = tree(r).path("leader").path("httpAddress").asText("");
        if (!address.isEmpty()) {
          return new Target(nodes, URI.create(node.getScheme() + "://" + address));
        }
        lastProblem = node + " knows no leader yet";
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("no leader found within 60 s: " + lastProblem);
  }

  public List<URI> nodes() {
    return nodes;
  }

  public URI leader() {
    return leader;
  }

  /** Nodes to send writes to, taken in turn by {@link RoundRobin}. */
  public RoundRobin writes(Writes mode) {
    return new RoundRobin(mode == Writes.LEADER ? List.of(leader) : nodes);
  }

  /** All nodes in turn (reads are served by every node). */
  public RoundRobin reads() {
    return new RoundRobin(nodes);
  }

  /**
   * Raises, on every node, the per-endpoint limits of the endpoints the benchmark uses and the
   * per-agent limits of its agents (POST /v1/admin/rate-limit). Limits are per node and in memory,
   * so a node restarted during a run falls back to its configured limits.
   *
   * @return a sentence saying what was raised, for the output
   */
  public String raiseRateLimits(Http http, List<String> endpoints, List<String> agents) {
    for (URI node : nodes) {
      for (String endpoint : endpoints) {
        raise(http, node, "{\"endpoint\":\"" + endpoint + "\",\"perSecond\":" + UNLIMITED_PER_SECOND + "}");
      }
      for (String agent : agents) {
        raise(http, node, "{\"agent\":\"" + agent + "\",\"perSecond\":" + UNLIMITED_PER_SECOND + "}");
      }
    }
    return String.format("rate limits raised to %,d/s on every node (POST /v1/admin/rate-limit): endpoints %s; agents %s..%s",
        UNLIMITED_PER_SECOND, String.join(", ", endpoints), agents.get(0), agents.get(agents.size() - 1));
  }

  private static void raise(Http http, URI node, String body) {
    Http.Reply r = http.post(node.resolve("/v1/admin/rate-limit"), body.getBytes(StandardCharsets.UTF_8));
    if (!r.ok()) {
      // Figures under the default limits would measure the limiter, not the cluster: refuse to run.
      throw new IllegalStateException("could not raise a rate limit on " + node + " (" + body + "): "
          + (r.status() == Http.NO_ANSWER ? "no answer" : r.status() + " " + r.text())
          + (r.status() == 401 || r.status() == 403 ? " — pass the admin token with --token" : ""));
    }
  }

  private static JsonNode tree(Http.Reply r) {
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      return JSON.missingNode();
    }
  }

  /** Base URLs taken in turn, shared by all worker threads. */
  public static final class RoundRobin {
    // Replaced whole, never changed in place: a node dropped mid-run (failover) is seen by every worker.
    private volatile List<URI> nodes;
    private final AtomicInteger next = new AtomicInteger();

    public RoundRobin(List<URI> nodes) {
      this.nodes = List.copyOf(nodes);
    }

    public URI next(String pathAndQuery) {
      return next().resolve(pathAndQuery);
    }

    /** The next base URL. */
    public URI next() {
      List<URI> current = nodes;
      return current.get(Math.floorMod(next.getAndIncrement(), current.size()));
    }

    /** Stops handing out {@code node} (a client that saw it die goes elsewhere); keeps at least one. */
    public void drop(URI node) {
      List<URI> rest = new ArrayList<>(nodes);
      rest.remove(node);
      if (!rest.isEmpty()) {
        nodes = List.copyOf(rest);
      }
    }

    public int size() {
      return nodes.size();
    }
  }
}
