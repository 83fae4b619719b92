package io.stemedb.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stemedb cluster up|down|status|stop-node|start-node|add-node}: a cluster of separate node
 * processes on this machine. Node {@code nK} listens for HTTP on {@code base + 100·(K−1)} and for Raft
 * two ports above (18180/18182, 18280/18282, 18380/18382 by default); its settings, data, log and pid
 * live in {@code <dir>/nK/}.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Runs a local cluster of node processes.",
    subcommands = {LocalCluster.Up.class, LocalCluster.Down.class, LocalCluster.Status.class,
        LocalCluster.StopNode.class, LocalCluster.StartNode.class, AddNode.class})
public final class LocalCluster implements Runnable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A node's command prefix (one word a line), if it has one: see {@code up --node-prefix}. */
  static final String PREFIX_FILE = "command-prefix";

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  static class DirOption {
    @Option(names = "--dir", defaultValue = ".stemedb/local", description = "where the nodes keep their files (default: ${DEFAULT-VALUE})")
    Path dir;
  }

  @Command(name = "up", mixinStandardHelpOptions = true, description = "Starts the nodes and waits until every one is ready.")
  static final class Up extends DirOption implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "3", description = "how many nodes (default: ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--base-port", defaultValue = "18180", description = "HTTP port of n1 (default: ${DEFAULT-VALUE})")
    int basePort;

    @Option(names = "--detach", description = "return once ready and leave the nodes running")
    boolean detach;

    @Option(names = "--admin-token", description = "require this bearer token on /v1/admin/** (default: none)")
    String adminToken;

    @Option(names = "--writer-token", description = "require this (or the admin) bearer token on writes (default: none)")
    String writerToken;

    @Option(names = "--group-commit", defaultValue = "on", description = "on: concurrent writes on a node share Raft entries; off: one entry per request (default: ${DEFAULT-VALUE})")
    String groupCommit;

    @Option(names = "--timeout", defaultValue = "90", description = "seconds to wait for readiness (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--set", paramLabel = "SECTION.KEY=VALUE",
        description = "a setting for every node's stemedb.toml, the value as TOML (e.g. raft.merkle_check_interval_ms=1000); repeatable")
    List<String> settings = new ArrayList<>();

    @Option(names = "--hosts", split = ",", paramLabel = "IP",
        description = "each node's address, which it binds and advertises for HTTP and Raft, in node order "
            + "(default: 127.0.0.1 for all; fault tests give each node its own network namespace and address)")
    List<String> hosts = List.of();

    @Option(names = "--node-prefix", paramLabel = "ID=COMMAND", description = "run node ID under COMMAND "
        + "(whitespace-separated words placed before java that end by exec'ing it, e.g. n2='ip netns exec ns2' or "
        + "n3='env LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 FAKETIME=+5s'); "
        + "kept in <dir>/ID/" + PREFIX_FILE + " (one word a line), so start-node uses it too")
    java.util.Map<String, String> prefixes = java.util.Map.of();

    private boolean groupCommitOn() {
      return switch (groupCommit) {
        case "on" -> true;
        case "off" -> false;
        default -> throw new IllegalArgumentException("--group-commit must be on or off, not " + groupCommit);
      };
    }

    private String host(int node) {
      return hosts.isEmpty() ? "127.0.0.1" : hosts.get(node - 1).trim();
    }

    @Override
    public Integer call() throws Exception {
      if (nodes < 1 || nodes > 9) {
        throw new IllegalArgumentException("--nodes must be between 1 and 9");
      }
      groupCommitOn();
      if (!hosts.isEmpty() && hosts.size() != nodes) {
        throw new IllegalArgumentException("--hosts names " + hosts.size() + " addresses for " + nodes + " nodes");
      }
      List<NodeSettings.Member> members = new ArrayList<>();
      for (int i = 1; i <= nodes; i++) {
        int http = basePort + 100 * (i - 1);
        String host = host(i);
        members.add(new NodeSettings.Member("n" + i, host + ":" + (http + 2), host + ":" + http, 0));
      }
      System.out.println("stemedb cluster: " + nodes + " nodes in " + dir.toAbsolutePath() + " — "
          + (adminToken == null && writerToken == null
              ? "no tokens: the API is open to anyone on this machine (local use only)"
              : (adminToken != null ? "admin endpoints need the admin token" : "admin endpoints are open")
                  + ", " + (writerToken != null ? "writes need the writer token" : "writes are open")));
      for (int i = 1; i <= nodes; i++) {
        NodeSettings.Member m = members.get(i - 1);
        Path nodeDir = dir.resolve(m.id());
        Files.createDirectories(nodeDir);
        int http = basePort + 100 * (i - 1);
        Files.writeString(config(dir, m.id()), withSettings(
            NodeSettings.localClusterToml(m.id(), nodeDir.resolve("data").toAbsolutePath(), host(i), http, http + 2,
                members, adminToken, writerToken, groupCommitOn()), settings));
        String prefix = prefixes.get(m.id());
        if (prefix != null) {
          Files.write(nodeDir.resolve(PREFIX_FILE), List.of(prefix.trim().split("\\s+")));
        } else {
          Files.deleteIfExists(nodeDir.resolve(PREFIX_FILE));
        }
        startNode(dir, m.id());
      }
      if (!awaitReady(dir, members, Duration.ofSeconds(timeoutSeconds))) {
        System.err.println("stemedb cluster: not every node was ready within " + timeoutSeconds
            + " s. The end of each node's log follows; stop the cluster with: ./stemedb cluster down --dir " + dir);
        for (NodeSettings.Member m : members) {
          printLogTail(dir.resolve(m.id()).resolve("node.log"), 15);
        }
        return 1;
      }
      System.out.println("stemedb cluster: ready");
      for (NodeSettings.Member m : members) {
        System.out.println("  " + m.id() + "  http://" + m.httpAddress() + "  raft " + m.raftAddress());
      }
      if (detach) {
        System.out.println("Stop it with: ./stemedb cluster down --dir " + dir);
        return 0;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        System.out.println("\nstemedb cluster: stopping every node");
        stopAll(dir);
        stopped.countDown();
      }));
      System.out.println("Ctrl-C stops every node.");
      while (!stopped.await(5, TimeUnit.SECONDS)) {
        System.out.println(statusLine(dir));
      }
      return 0;
    }
  }

  @Command(name = "down", mixinStandardHelpOptions = true, description = "Stops every node of the local cluster.")
  static final class Down extends DirOption implements Callable<Integer> {
    @Override
    public Integer call() {
      stopAll(dir);
      return 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Shows each node's role, term, leader and indexes.")
  static final class Status extends DirOption implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
      System.out.printf("%-5s %-8s %-6s %-9s %-8s %-10s %-10s %s%n", "node", "process", "pid", "role", "term", "leader", "applied", "http");
      for (String id : nodeIds(dir)) {
        Optional<ProcessHandle> p = process(dir, id);
        NodeSettings settings = NodeSettings.load(config(dir, id), java.util.Map.of());
        String http = settings.httpAddresses().get(id);
        JsonNode s = status(http, settings.auth().adminToken()).orElse(null);
        System.out.printf("%-5s %-8s %-6s %-9s %-8s %-10s %-10s http://%s%n", id,
            p.isPresent() ? "running" : "stopped", p.map(h -> Long.toString(h.pid())).orElse("-"),
            s == null ? "-" : s.path("role").asText(), s == null ? "-" : s.path("term").asText(),
            s == null ? "-" : s.path("leader").path("id").asText("-"), s == null ? "-" : s.path("appliedIndex").asText(), http);
      }
      return 0;
    }
  }

  @Command(name = "stop-node", mixinStandardHelpOptions = true, description = "Stops one node (SIGTERM, then SIGKILL after 15 s).")
  static final class StopNode extends DirOption implements Callable<Integer> {
    @Parameters(index = "0", description = "node id, e.g. n2")
    String node;

    @Override
    public Integer call() {
      stop(dir, node);
      return 0;
    }
  }

  @Command(name = "start-node", mixinStandardHelpOptions = true, description = "Starts one node again with its settings and data.")
  static final class StartNode extends DirOption implements Callable<Integer> {
    @Parameters(index = "0", description = "node id, e.g. n2")
    String node;

    @Override
    public Integer call() throws IOException {
      if (!Files.exists(config(dir, node))) {
        throw new IllegalArgumentException("no node " + node + " in " + dir + " (run cluster up first)");
      }
      startNode(dir, node);
      return 0;
    }
  }

  // -------------------------------------------------------------------------------------- plumbing

  /**
   * {@code toml} with each {@code section.key=value} put under its section (added at the end when the
   * file has no such section); the node checks every key and value when it starts.
   */
  static String withSettings(String toml, List<String> settings) {
    String out = toml;
    for (String setting : settings) {
      int eq = setting.indexOf('=');
      int dot = setting.indexOf('.');
      if (eq < 0 || dot < 1 || dot > eq) {
        throw new IllegalArgumentException("--set takes SECTION.KEY=VALUE, e.g. raft.merkle_check_interval_ms=1000, not " + setting);
      }
      String section = setting.substring(0, dot).trim();
      String line = setting.substring(dot + 1, eq).trim() + " = " + setting.substring(eq + 1).trim();
      String header = "\n[" + section + "]\n";
      int at = out.indexOf(header);
      out = at < 0 ? out + header + line + "\n" : out.substring(0, at + header.length()) + line + "\n" + out.substring(at + header.length());
    }
    return out;
  }

  private static void printLogTail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      System.err.println("--- " + log + " (last " + lines + " lines)");
      all.subList(Math.max(0, all.size() - lines), all.size()).forEach(System.err::println);
    } catch (IOException e) {
      System.err.println("--- " + log + ": " + e.getMessage());
    }
  }

  static Path config(Path dir, String id) {
    return dir.resolve(id).resolve("stemedb.toml");
  }

  static List<String> nodeIds(Path dir) throws IOException {
    List<String> ids = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return ids;
    }
    try (var children = Files.list(dir)) {
      children.filter(p -> Files.exists(p.resolve("stemedb.toml"))).map(p -> p.getFileName().toString()).sorted().forEach(ids::add);
    }
    return ids;
  }

  /** Starts {@code id} as its own process, unless it already runs; output to node.log, pid to node.pid. */
  static void startNode(Path dir, String id) throws IOException {
    if (process(dir, id).isPresent()) {
      System.out.println("  " + id + " is already running (pid " + process(dir, id).get().pid() + ")");
      return;
    }
    Path nodeDir = dir.resolve(id);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    // A wrapper that execs java in the end (ip netns exec, env): the pid stays java's. (A wrapper
    // that forks, like the faketime command, would leave node.pid naming the wrapper.)
    Path prefix = nodeDir.resolve(PREFIX_FILE);
    if (Files.exists(prefix)) {
      Files.readAllLines(prefix).stream().filter(w -> !w.isBlank()).forEach(command::add);
    }
    command.addAll(List.of(java, "-Xmx1g"));
    // node.log is a plain file (no journald to stamp it): every line carries its time, so an operator
    // can line up what the nodes did (an election, a snapshot install) with each other and the clients.
    command.addAll(List.of("-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSXXX"));
    // Extra JVM options for every node, e.g. Ratis settings to try: -Draft.server.log.force.sync.num=16
    String extra = System.getenv("STEMEDB_NODE_JAVA_OPTS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        StemeDbCli.class.getName(), "server", "--config", config(dir, id).toAbsolutePath().toString()));
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(nodeDir.resolve("node.log").toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("STEMEDB_"));
    Process p = pb.start();
    Files.writeString(nodeDir.resolve("node.pid"), p.pid() + "\n", StandardCharsets.UTF_8);
    System.out.println("  started " + id + " (pid " + p.pid() + ", log " + nodeDir.resolve("node.log") + ")");
  }

  static Optional<ProcessHandle> process(Path dir, String id) {
    Path pidFile = dir.resolve(id).resolve("node.pid");
    try {
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      // A live java process (the JDK truncates long command lines, so the class name may not show).
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
          .filter(h -> h.info().command().map(c -> c.endsWith("java")).orElse(true));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  static void stop(Path dir, String id) {
    Optional<ProcessHandle> p = process(dir, id);
    if (p.isEmpty()) {
      System.out.println("  " + id + " is not running");
      return;
    }
    p.get().destroy();
    try {
      p.get().onExit().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      p.get().destroyForcibly();
    }
    try {
      Files.deleteIfExists(dir.resolve(id).resolve("node.pid"));
    } catch (IOException e) {
      // the pid no longer names our process anyway
    }
    System.out.println("  stopped " + id);
  }

  static void stopAll(Path dir) {
    try {
      for (String id : nodeIds(dir)) {
        stop(dir, id);
      }
    } catch (IOException e) {
      System.err.println("stemedb cluster: cannot read " + dir + ": " + e.getMessage());
    }
  }

  static Optional<JsonNode> status(String httpAddress, String adminToken) {
    return get(httpAddress, "/v1/admin/cluster/status", adminToken).filter(r -> r.statusCode() == 200).flatMap(r -> {
      try {
        return Optional.of(JSON.readTree(r.body()));
      } catch (IOException e) {
        return Optional.empty();
      }
    });
  }

  static boolean ready(String httpAddress) {
    return get(httpAddress, "/ready", null).map(r -> r.statusCode() == 200).orElse(false);
  }

  /** A GET on a node; empty when it does not answer. */
  private static Optional<HttpResponse<String>> get(String httpAddress, String path, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + httpAddress + path)).timeout(Duration.ofSeconds(3));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      return Optional.of(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  static boolean awaitReady(Path dir, List<NodeSettings.Member> members, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastReport = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long readyCount = members.stream().filter(m -> ready(m.httpAddress())).count();
      if (readyCount == members.size()) {
        return true;
      }
      if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(5)) {
        System.out.println("  waiting: " + readyCount + " of " + members.size() + " nodes ready");
        lastReport = System.nanoTime();
      }
      Thread.sleep(200);
    }
    return false;
  }

  static String statusLine(Path dir) {
    StringBuilder b = new StringBuilder("stemedb cluster:");
    try {
      for (String id : nodeIds(dir)) {
        NodeSettings settings = NodeSettings.load(config(dir, id), java.util.Map.of());
        Optional<JsonNode> s = status(settings.httpAddresses().get(id), settings.auth().adminToken());
        b.append("  ").append(id).append(' ')
            .append(s.map(n -> n.path("role").asText() + " applied " + n.path("appliedIndex").asText()).orElse("down"));
      }
    } catch (IOException e) {
      b.append(" ").append(e.getMessage());
    }
    return b.toString();
  }
}
