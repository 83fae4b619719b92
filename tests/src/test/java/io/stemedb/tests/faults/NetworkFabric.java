package io.stemedb.tests.faults;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Each node in its own network namespace, all joined by veth pairs to one bridge in the root
 * namespace: node k has address 10.A.B.k, and the test process (root namespace, 10.A.B.254 on the
 * bridge) reaches every node's HTTP port. A partition between nodes i and j is a blackhole route
 * for j's address inside i's namespace and for i's inside j's: packets either way are dropped
 * without closing any process or socket, which is what a switch failure looks like to Raft. The
 * bridge switches at layer 2, so the root namespace needs no forwarding or firewall changes.
 *
 * <p>Everything it creates carries a random tag, and {@link #close()} removes it all (called from
 * the cluster's close, after the node processes are gone).
 */
public final class NetworkFabric implements AutoCloseable {
  private final String tag;
  private final String subnet; // "10.A.B."
  private final int nodes;
  private final Set<Pair> cuts = new LinkedHashSet<>();
  private boolean bridgeMade;
  private final List<String> namespaces = new ArrayList<>();

  /** An unordered pair of nodes whose traffic is cut. */
  public record Pair(int a, int b) {
    public Pair {
      if (a == b) {
        throw new IllegalArgumentException("a node is never cut from itself");
      }
      if (a > b) {
        int t = a;
        a = b;
        b = t;
      }
    }
  }

  /** Whether this machine lets us make namespaces (root, iproute2, CAP_NET_ADMIN). */
  public static boolean available() {
    String probe = "sdbprobe" + ThreadLocalRandom.current().nextInt(100_000);
    boolean ok = Sh.has("ip") && Sh.tryRun("ip", "netns", "add", probe).ok();
    Sh.tryRun("ip", "netns", "del", probe);
    return ok;
  }

  public NetworkFabric(int nodes) {
    this.nodes = nodes;
    int r = ThreadLocalRandom.current().nextInt(1, 60_000);
    this.tag = Integer.toString(r);
    // 10.200.0.0 – 10.254.255.0: away from the usual private ranges a machine routes elsewhere.
    this.subnet = "10." + (200 + r % 55) + "." + (r / 55 % 256) + ".";
    try {
      String bridge = bridge();
      Sh.run("ip", "link", "add", bridge, "type", "bridge");
      bridgeMade = true;
      Sh.run("ip", "addr", "add", subnet + "254/24", "dev", bridge);
      Sh.run("ip", "link", "set", bridge, "up");
      for (int k = 1; k <= nodes; k++) {
        String ns = namespace(k);
        Sh.run("ip", "netns", "add", ns);
        namespaces.add(ns);
        String host = "sdb" + tag + "h" + k;
        String inner = "sdb" + tag + "c" + k;
        Sh.run("ip", "link", "add", host, "type", "veth", "peer", "name", inner);
        Sh.run("ip", "link", "set", inner, "netns", ns);
        Sh.run("ip", "link", "set", host, "master", bridge);
        Sh.run("ip", "link", "set", host, "up");
        Sh.run("ip", "-n", ns, "link", "set", "lo", "up");
        Sh.run("ip", "-n", ns, "addr", "add", host(k) + "/24", "dev", inner);
        Sh.run("ip", "-n", ns, "link", "set", inner, "up");
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private String bridge() {
    return "sdb" + tag + "br";
  }

  public String namespace(int node) {
    return "sdb" + tag + "n" + node;
  }

  /** Node {@code node}'s address: it binds and advertises HTTP and Raft on it. */
  public String host(int node) {
    return subnet + node;
  }

  /** The words that run a command inside node {@code node}'s namespace. */
  public List<String> prefix(int node) {
    return List.of("ip", "netns", "exec", namespace(node));
  }

  /** Drops all traffic between {@code a} and {@code b}, both ways. */
  public synchronized void cut(int a, int b) {
    Pair p = new Pair(a, b);
    if (cuts.add(p)) {
      Sh.run("ip", "-n", namespace(p.a()), "route", "add", "blackhole", host(p.b()) + "/32");
      Sh.run("ip", "-n", namespace(p.b()), "route", "add", "blackhole", host(p.a()) + "/32");
    }
  }

  /** Lets traffic between {@code a} and {@code b} flow again. */
  public synchronized void heal(int a, int b) {
    Pair p = new Pair(a, b);
    if (cuts.remove(p)) {
      Sh.run("ip", "-n", namespace(p.a()), "route", "del", "blackhole", host(p.b()) + "/32");
      Sh.run("ip", "-n", namespace(p.b()), "route", "del", "blackhole", host(p.a()) + "/32");
    }
  }

  /** Cuts {@code node} from every other node (the test still reaches it). */
  public synchronized void isolate(int node) {
    for (int k = 1; k <= nodes; k++) {
      if (k != node) {
        cut(node, k);
      }
    }
  }

  public synchronized void healAll() {
    for (Pair p : new ArrayList<>(cuts)) {
      heal(p.a(), p.b());
    }
  }

  public synchronized Set<Pair> cuts() {
    return Set.copyOf(cuts);
  }

  /**
   * The nodes that can all reach each other and form a majority, or empty when no such group
   * exists (e.g. every pair cut). With three nodes: the largest clique of connected nodes.
   */
  public synchronized Set<Integer> majoritySide() {
    return majoritySide(nodes, cuts);
  }

  /** {@link #majoritySide()} of {@code nodes} nodes with these cuts. */
  public static Set<Integer> majoritySide(int nodes, Set<Pair> cuts) {
    Set<Integer> best = Set.of();
    for (int mask = 1; mask < (1 << nodes); mask++) {
      Set<Integer> group = new HashSet<>();
      for (int k = 1; k <= nodes; k++) {
        if ((mask & (1 << (k - 1))) != 0) {
          group.add(k);
        }
      }
      boolean clique = cuts.stream().noneMatch(p -> group.contains(p.a()) && group.contains(p.b()));
      if (clique && group.size() > best.size()) {
        best = group;
      }
    }
    return best.size() * 2 > nodes ? best : Set.of();
  }

  @Override
  public synchronized void close() {
    cuts.clear();
    for (String ns : namespaces) {
      Sh.tryRun("ip", "netns", "del", ns); // takes the inner veth end, and so its peer, with it
    }
    namespaces.clear();
    for (int k = 1; k <= nodes; k++) {
      Sh.tryRun("ip", "link", "del", "sdb" + tag + "h" + k); // in case a namespace was never made
    }
    if (bridgeMade) {
      Sh.tryRun("ip", "link", "del", bridge());
      bridgeMade = false;
    }
  }
}
