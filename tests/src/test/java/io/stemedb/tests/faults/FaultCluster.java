package io.stemedb.tests.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.stemedb.tools.StemeDbCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * Three (or more) real node processes started by {@code stemedb cluster up}, with the faults a test
 * can inject: kill -9 and restart, SIGSTOP/SIGCONT, partitions (each node in its own network
 * namespace, see {@link NetworkFabric}), a disk that fills up or fails fsync ({@link FaultyDisk}), a
 * skewed wall clock ({@link ClockSkew}). Every fault is logged with its time and counted.
 * {@link #close()} undoes everything — resumes paused nodes, kills every node, unmounts disks,
 * deletes namespaces — whether or not the test passed.
 */
public final class FaultCluster implements AutoCloseable {
  public static final Duration QUICK = Duration.ofSeconds(2);

  private final Path dir;
  private final int nodes;
  private final NetworkFabric net; // null: all nodes on 127.0.0.1
  private final Map<Integer, List<String>> extraPrefix = new HashMap<>();
  private final Map<Integer, FaultyDisk> disks = new HashMap<>();
  private final Set<Integer> paused = Collections.synchronizedSet(new HashSet<>());
  private final List<String> faults = Collections.synchronizedList(new ArrayList<>());
  private final long started = System.nanoTime();
  private volatile long lastFaultNanos = System.nanoTime();
  private final NodeHttp http = new NodeHttp();
  private int base;

  /** A cluster in {@code dir}; {@code partitionable}: give each node a namespace (needs root). */
  public FaultCluster(Path dir, int nodes, boolean partitionable) {
    this.dir = dir;
    this.nodes = nodes;
    this.net = partitionable ? new NetworkFabric(nodes) : null;
    // If the test JVM dies (an OutOfMemoryError, a timeout), still stop the nodes and undo the faults.
    Runtime.getRuntime().addShutdownHook(cleanup);
  }

  private final Thread cleanup = new Thread(this::undo, "fault-cluster-cleanup");

  public static FaultCluster threeNodes(Path dir, boolean partitionable) {
    return new FaultCluster(dir, 3, partitionable);
  }

  public int nodes() {
    return nodes;
  }

  public Path dir() {
    return dir;
  }

  public NetworkFabric net() {
    if (net == null) {
      throw new IllegalStateException("this cluster was made without namespaces");
    }
    return net;
  }

  /** Words placed before java for {@code node} (after its namespace), from its next start on. */
  public void extraPrefix(int node, List<String> words) throws IOException {
    extraPrefix.put(node, List.copyOf(words));
    if (Files.exists(dir.resolve("n" + node).resolve("stemedb.toml"))) {
      Files.write(dir.resolve("n" + node).resolve("command-prefix"), prefix(node));
    }
  }

  private List<String> prefix(int node) {
    List<String> words = new ArrayList<>();
    if (net != null) {
      words.addAll(net.prefix(node));
    }
    words.addAll(extraPrefix.getOrDefault(node, List.of()));
    return words;
  }

  /** Puts {@code node}'s data directory on a small tmpfs; call before {@link #up()}. */
  public FaultyDisk smallDisk(int node, int megabytes) throws IOException {
    FaultyDisk d = FaultyDisk.small(dataDir(node), megabytes);
    disks.put(node, d);
    return d;
  }

  /** Puts {@code node}'s data directory on a disk that can fail fsync; call before {@link #up()}. */
  public FaultyDisk failingDisk(int node) throws IOException {
    Path scratch = dir.resolve("disk-n" + node);
    FaultyDisk d = FaultyDisk.failingSync(dataDir(node), scratch);
    disks.put(node, d);
    return d;
  }

  public Path dataDir(int node) {
    return dir.resolve("n" + node).resolve("data");
  }

  /** Starts every node and waits until all are ready. */
  public FaultCluster up() {
    base = io.stemedb.tools.FreePorts.stemeDbBase(nodes);
    List<String> args = new ArrayList<>(List.of("cluster", "up", "--detach", "--dir", dir.toString(),
        "--base-port", Integer.toString(base), "--nodes", Integer.toString(nodes), "--timeout", "120"));
    if (net != null) {
      StringJoiner hosts = new StringJoiner(",");
      for (int k = 1; k <= nodes; k++) {
        hosts.add(net.host(k));
      }
      args.addAll(List.of("--hosts", hosts.toString()));
    }
    for (int k = 1; k <= nodes; k++) {
      List<String> p = prefix(k);
      if (!p.isEmpty()) {
        args.addAll(List.of("--node-prefix", "n" + k + "=" + String.join(" ", p)));
      }
    }
    int rc = new CommandLine(new StemeDbCli()).execute(args.toArray(String[]::new));
    if (rc != 0) {
      throw new IllegalStateException("cluster up failed (" + rc + "); see " + dir + "/n*/node.log");
    }
    return this;
  }

  public String host(int node) {
    return net == null ? "127.0.0.1" : net.host(node);
  }

  public String url(int node) {
    return "http://" + host(node) + ":" + (base + 100 * (node - 1));
  }

  // ------------------------------------------------------------------------------------ processes

  public Optional<ProcessHandle> process(int node) {
    try {
      long pid = Long.parseLong(Files.readString(dir.resolve("n" + node).resolve("node.pid")).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** kill -9: the process ends at once, whatever it was doing (a crash, a power cut for its memory). */
  public void kill9(int node) {
    Optional<ProcessHandle> p = process(node);
    fault("kill -9 n" + node);
    p.ifPresent(h -> {
      if (paused.remove(node)) {
        Sh.tryRun("kill", "-CONT", Long.toString(h.pid()));
      }
      h.destroyForcibly();
      try {
        h.onExit().get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("n" + node + " did not die", e);
      }
    });
  }

  /** Starts {@code node} again on its data (after a kill or a stop). */
  public void restart(int node) {
    fault("restart n" + node);
    int rc = new CommandLine(new StemeDbCli()).execute("cluster", "start-node", "n" + node, "--dir", dir.toString());
    if (rc != 0) {
      throw new IllegalStateException("start-node n" + node + " failed");
    }
  }

  /** SIGSTOP: the process freezes (a long GC pause, a VM migration) with its sockets open. */
  public void pause(int node) {
    long pid = process(node).orElseThrow(() -> new IllegalStateException("n" + node + " is not running")).pid();
    fault("SIGSTOP n" + node);
    paused.add(node);
    Sh.run("kill", "-STOP", Long.toString(pid));
  }

  public void resume(int node) {
    fault("SIGCONT n" + node);
    paused.remove(node);
    process(node).ifPresent(h -> Sh.run("kill", "-CONT", Long.toString(h.pid())));
  }

  public boolean isPaused(int node) {
    return paused.contains(node);
  }

  public void partition(int a, int b) {
    fault("partition n" + a + " | n" + b);
    net().cut(a, b);
  }

  public void isolate(int node) {
    fault("isolate n" + node);
    net().isolate(node);
  }

  public void healNetwork() {
    fault("heal network");
    net().healAll();
  }

  /** Records a fault (for the log and the summary) and the time of the last one. */
  public void fault(String what) {
    lastFaultNanos = System.nanoTime();
    String line = String.format("%7.2f s  %s", (System.nanoTime() - started) / 1e9, what);
    faults.add(line);
    System.out.println(Instant.now() + " fault: " + what);
  }

  public List<String> faults() {
    return List.copyOf(faults);
  }

  public long lastFaultNanos() {
    return lastFaultNanos;
  }

  // ------------------------------------------------------------------------------------- queries

  public Optional<JsonNode> status(int node) {
    return http.json(url(node) + "/v1/admin/cluster/status", QUICK);
  }

  /** The node that says it is primary (highest term if several do), waiting up to {@code timeout}. */
  public int awaitLeader(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      int best = 0;
      long bestTerm = -1;
      for (int k = 1; k <= nodes; k++) {
        if (paused.contains(k)) {
          continue;
        }
        Optional<JsonNode> s = status(k);
        if (s.isPresent() && s.get().path("role").asText().equals("primary") && s.get().path("term").asLong() > bestTerm) {
          best = k;
          bestTerm = s.get().path("term").asLong();
        }
      }
      if (best > 0) {
        return best;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no leader within " + timeout);
  }

  /** Waits until {@code node} answers /ready (a member with a leader, caught up at start). */
  public void awaitReady(int node, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      NodeHttp.Answer a = http.get(url(node) + "/ready", QUICK);
      if (a != null && a.status() == 200) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("n" + node + " not ready within " + timeout + "; log: " + logTail(node, 20));
  }

  /** A metric's value on {@code node} (the first sample whose line starts with {@code name}), if it answers. */
  public Optional<Double> metric(int node, String name) {
    return metrics(node).flatMap(text -> Metrics.value(text, name));
  }

  /** {@code node}'s /metrics text, if it answers. */
  public Optional<String> metrics(int node) {
    NodeHttp.Answer a = http.get(url(node) + "/metrics", QUICK);
    return a != null && a.status() == 200 ? Optional.of(a.body()) : Optional.empty();
  }

  public NodeHttp http() {
    return http;
  }

  public String logTail(int node, int lines) {
    try {
      List<String> all = Files.readAllLines(dir.resolve("n" + node).resolve("node.log"));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return e.toString();
    }
  }

  public String log(int node) {
    try {
      return Files.readString(dir.resolve("n" + node).resolve("node.log"));
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * A thread dump of {@code node} (jstack from this JVM's JDK), also written next to its log so that
   * {@link #keepLogs} keeps it; empty when the node is not running.
   */
  public String threadDump(int node) {
    return process(node).map(h -> {
      String dump = Sh.tryRun(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(), Long.toString(h.pid())).output();
      try {
        Files.writeString(dir.resolve("n" + node).resolve("threads.txt"), dump);
      } catch (IOException e) {
        // the dump is still returned
      }
      return dump;
    }).orElse("");
  }

  /** Every file under {@code node}'s data directory with its size (Raft log segments name their index ranges). */
  public String listing(int node) {
    try (java.util.stream.Stream<Path> files = Files.walk(dataDir(node))) {
      StringBuilder b = new StringBuilder();
      files.filter(Files::isRegularFile).sorted().forEach(f -> {
        try {
          b.append("    ").append(dataDir(node).relativize(f)).append(' ').append(Files.size(f)).append('\n');
        } catch (IOException e) {
          b.append("    ").append(f).append(' ').append(e).append('\n');
        }
      });
      return b.toString();
    } catch (IOException e) {
      return "    " + e + "\n";
    }
  }

  /** Copies the node logs to target/fault-logs/<dir>/ (the temporary directory goes with the test). */
  private void keepLogs() {
    try {
      Path keep = Path.of("target", "fault-logs", dir.getFileName().toString());
      Files.createDirectories(keep);
      for (int k = 1; k <= nodes; k++) {
        Path log = dir.resolve("n" + k).resolve("node.log");
        if (Files.exists(log)) {
          Files.copy(log, keep.resolve("n" + k + ".log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path threads = dir.resolve("n" + k).resolve("threads.txt");
        if (Files.exists(threads)) {
          Files.copy(threads, keep.resolve("n" + k + "-threads.txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.write(keep.resolve("faults.txt"), faults());
    } catch (IOException e) {
      System.err.println("could not keep the node logs: " + e);
    }
  }

  /** Undoes every fault and stops every node; safe to call more than once and after a failure. */
  @Override
  public void close() {
    undo();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }

  private synchronized void undo() {
    keepLogs();
    for (int k = 1; k <= nodes; k++) {
      Optional<ProcessHandle> p = process(k);
      if (p.isPresent()) {
        Sh.tryRun("kill", "-CONT", Long.toString(p.get().pid()));
        p.get().destroyForcibly();
        try {
          p.get().onExit().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
          System.err.println("n" + k + " (pid " + p.get().pid() + ") did not exit: " + e);
        }
      }
    }
    paused.clear();
    new CommandLine(new StemeDbCli()).execute("cluster", "down", "--dir", dir.toString());
    disks.values().forEach(FaultyDisk::close);
    disks.clear();
    if (net != null) {
      net.close();
    }
  }
}
