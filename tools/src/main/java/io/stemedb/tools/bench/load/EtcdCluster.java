package io.stemedb.tools.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A 3-member etcd on loopback for the side-by-side benchmark: finds the etcd binary (installing the
 * Debian packages etcd-server and etcd-client when it is missing), starts the members from free ports
 * in a temporary directory, waits until each is healthy, and on close — or through a shutdown hook on
 * Ctrl-C or a crash — stops them and deletes the directory. Member K serves clients on
 * {@code base + 10·(K−1)} and its peers one port above.
 *
 * <p>Only the v3 JSON gateway is used (POST /v3/...; Debian's etcd 3.4 serves both /v3/ and the
 * deprecated /v3beta/), so the load generator speaks HTTP/1.1 + JSON to both systems.
 */
public final class EtcdCluster implements Contender {
  private static final int MEMBERS = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One member: its name, client port and process. */
  private record Member(String name, int clientPort, Process process) {
    URI url() {
      return URI.create("http://127.0.0.1:" + clientPort);
    }
  }

  private final Path binary;
  private final String version;
  private final Path dir;
  private final List<Member> members = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::stop, "etcd-cluster-down");
  private boolean stopped;

  private EtcdCluster(Path binary, String version, Path dir) {
    this.binary = binary;
    this.version = version;
    this.dir = dir;
  }

  /**
   * The etcd binary on the PATH; when there is none and {@code install} is set, installs the Debian
   * packages first (apt-get, as root or through passwordless sudo).
   */
  public static Path findOrInstall(boolean install, PrintWriter out) throws IOException, InterruptedException {
    Optional<Path> found = onPath("etcd");
    if (found.isPresent()) {
      return found.get();
    }
    if (!install) {
      throw new IllegalStateException("etcd is not installed (apt-get install -y etcd-server etcd-client), and installing was not allowed");
    }
    List<String> command = new ArrayList<>();
    if (!"root".equals(System.getProperty("user.name"))) {
      command.addAll(List.of("sudo", "-n"));
    }
    command.addAll(List.of("apt-get", "install", "-y", "etcd-server", "etcd-client"));
    out.println("etcd not found: " + String.join(" ", command));
    out.flush();
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
    Process p = pb.start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("installing etcd failed:\n" + tail(text, 15));
    }
    return onPath("etcd").orElseThrow(() -> new IllegalStateException("apt-get installed etcd-server, yet no etcd on the PATH"));
  }

  /** Whether an etcd binary is on the PATH (the smoke test runs only then). */
  public static boolean installed() {
    return onPath("etcd").isPresent();
  }

  /** Starts the three members and waits up to 60 s for every one to report healthy. */
  public static EtcdCluster start(Path binary, PrintWriter out) throws IOException, InterruptedException {
    EtcdCluster c = new EtcdCluster(binary, version(binary), Files.createTempDirectory("stemedb-bench-etcd"));
    Runtime.getRuntime().addShutdownHook(c.shutdownHook);
    try {
      int base = io.stemedb.tools.FreePorts.base(21_000, 200, MEMBERS, 10, 0, 1);
      String token = "bench-" + Long.toString(System.nanoTime(), 36);
      String initial = java.util.stream.IntStream.range(0, MEMBERS)
          .mapToObj(i -> "m" + (i + 1) + "=http://127.0.0.1:" + (base + 10 * i + 1)).collect(Collectors.joining(","));
      for (int i = 0; i < MEMBERS; i++) {
        String name = "m" + (i + 1);
        int client = base + 10 * i;
        String clientUrl = "http://127.0.0.1:" + client;
        String peerUrl = "http://127.0.0.1:" + (client + 1);
        // Defaults otherwise (heartbeat 100 ms, election timeout 1 s, fsync on every commit), as a
        // packaged etcd runs; the comparison names them in docs/benchmarks.md.
        List<String> command = List.of(binary.toString(), "--name", name, "--data-dir", c.dir.resolve(name).toString(),
            "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
            "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
            "--initial-cluster", initial, "--initial-cluster-state", "new", "--initial-cluster-token", token);
        File log = c.dir.resolve(name + ".log").toFile();
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        // A stray ETCD_* variable (e.g. ETCD_DATA_DIR) would override a flag or make etcd refuse to start.
        pb.environment().keySet().removeIf(k -> k.startsWith("ETCD"));
        c.members.add(new Member(name, client, pb.start()));
      }
      out.println("started etcd " + c.version + ": 3 members on " + c.nodes() + " in " + c.dir);
      out.flush();
      c.awaitHealthy(60);
      return c;
    } catch (IOException | InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private void awaitHealthy(int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    try (Http http = Http.create(Http.Client.URLCONNECTION, 4, null, java.time.Duration.ofSeconds(2))) {
      while (System.nanoTime() < deadline) {
        boolean all = members.stream().allMatch(m -> {
          Http.Reply r = http.get(m.url().resolve("/health"));
          return r.ok() && r.text().contains("\"true\"");
        });
        if (all) {
          return;
        }
        for (Member m : members) {
          if (!m.process().isAlive()) {
            throw new IllegalStateException("etcd member " + m.name() + " exited (" + m.process().exitValue() + "):\n" + logTail(m, 15));
          }
        }
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("etcd was not healthy within " + seconds + " s:\n"
        + members.stream().map(m -> logTail(m, 8)).collect(Collectors.joining("\n")));
  }

  @Override
  public String description() {
    return "etcd " + version + " (" + binary + "), 3 members, v3 JSON gateway";
  }

  @Override
  public List<URI> nodes() {
    return members.stream().map(Member::url).toList();
  }

  /** "3.4.23". */
  public String version() {
    return version;
  }

  /**
   * Asks the live members for their status (POST /v3/maintenance/status): each names the leader's id
   * ({@code leader}) and its own ({@code header.member_id}); the leader is the member whose own id that is.
   */
  @Override
  public URI leader(Http http) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      String leaderId = null;
      List<String[]> ids = new ArrayList<>();
      for (Member m : members) {
        if (!m.process().isAlive()) {
          continue;
        }
        JsonNode s = tree(http.post(m.url().resolve("/v3/maintenance/status"), "{}".getBytes(StandardCharsets.US_ASCII)));
        String self = s.path("header").path("member_id").asText("");
        String leader = s.path("leader").asText("");
        if (!self.isEmpty()) {
          ids.add(new String[] {self, m.url().toString()});
        }
        if (!leader.isEmpty() && !leader.equals("0")) {
          leaderId = leader;
        }
      }
      for (String[] id : ids) {
        if (id[0].equals(leaderId)) {
          return URI.create(id[1]);
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("no etcd member named a leader within 10 s");
  }

  @Override
  public ProcessHandle process(URI node) {
    Member m = members.stream().filter(x -> x.url().equals(node)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("not an etcd member here: " + node));
    return m.process().toHandle();
  }

  @Override
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    for (Member m : members) {
      try (var lines = Files.lines(dir.resolve(m.name() + ".log"))) {
        long n = lines.filter(l -> l.contains(" W | ") || l.contains(" E | ") || l.contains("\"level\":\"warn\"")
            || l.contains("\"level\":\"error\"")).count();
        out.add("etcd " + m.name() + ": " + n + " warning/error log lines");
      } catch (IOException | java.io.UncheckedIOException e) {
        out.add("etcd " + m.name() + ": log unreadable (" + e.getMessage() + ")");
      }
    }
    return out;
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook is running or has run
    }
  }

  private synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    members.forEach(m -> m.process().destroy());   // SIGTERM: etcd stops cleanly within a second or two
    for (Member m : members) {
      try {
        if (!m.process().waitFor(10, TimeUnit.SECONDS)) {
          m.process().destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        m.process().destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    try (var files = Files.walk(dir)) {
      files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("etcd cluster: could not delete " + dir + ": " + e.getMessage());
    }
  }

  private String logTail(Member m, int lines) {
    try {
      return "--- " + m.name() + ":\n" + tail(Files.readString(dir.resolve(m.name() + ".log")), lines);
    } catch (IOException e) {
      return "--- " + m.name() + ": " + e.getMessage();
    }
  }

  private static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private static JsonNode tree(Http.Reply r) {
    try {
      return r.ok() ? JSON.readTree(r.body()) : JSON.missingNode();
    } catch (IOException e) {
      return JSON.missingNode();
    }
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin" + File.pathSeparator + "/usr/local/bin";
    for (String d : path.split(File.pathSeparator)) {
      Path p = Path.of(d.isEmpty() ? "." : d, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** "3.4.23", from the first line of {@code etcd --version} ("etcd Version: 3.4.23"). */
  private static String version(Path binary) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    return text.lines().filter(l -> l.startsWith("etcd Version:")).map(l -> l.substring("etcd Version:".length()).trim())
        .findFirst().orElse("(unknown version)");
  }
}
