package io.stemedb.tools.bench.load;

import io.stemedb.tools.LocalCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import picocli.CommandLine;

/**
 * A local 3-process cluster the benchmark starts for itself ({@code stemedb cluster up --detach} in a
 * temporary directory on free ports) and always stops ({@code cluster down}): on close, and through a
 * shutdown hook on Ctrl-C or a crash, so no node process outlives the benchmark.
 */
public final class OwnCluster implements Contender {
  private static final int NODES = 3;

  private final Path dir;
  private final int basePort;
  private final Thread shutdownHook;
  private boolean stopped;

  private OwnCluster(Path dir, int basePort) {
    this.dir = dir;
    this.basePort = basePort;
    this.shutdownHook = new Thread(this::stop, "http-load-cluster-down");
  }

  /** Starts the cluster and waits until every node is ready; {@code extraArgs} go to {@code cluster up} as they are. */
  public static OwnCluster start(List<String> extraArgs, PrintWriter out) throws IOException {
    OwnCluster c = new OwnCluster(Files.createTempDirectory("stemedb-http-load"), io.stemedb.tools.FreePorts.stemeDbBase(NODES));
    Runtime.getRuntime().addShutdownHook(c.shutdownHook);
    List<String> args = new ArrayList<>(List.of("up", "--detach", "--dir", c.dir.toString(),
        "--base-port", Integer.toString(c.basePort)));
    args.addAll(extraArgs);
    out.println("starting a local cluster: stemedb cluster " + String.join(" ", args));
    out.flush();
    int rc = new CommandLine(new LocalCluster()).execute(args.toArray(String[]::new));
    if (rc != 0) {
      c.close();
      throw new IllegalStateException("cluster up failed (exit " + rc + "); see its output above");
    }
    return c;
  }

  @Override
  public String description() {
    return "StemeDB, 3 node processes (stemedb cluster up) in " + dir;
  }

  @Override
  public List<java.net.URI> nodes() {
    return urls().stream().map(java.net.URI::create).toList();
  }

  /** Where the nodes keep their files: {@code <dir>/nK/} with node.pid, node.log, data/. */
  public Path dir() {
    return dir;
  }

  @Override
  public java.net.URI leader(Http http) throws InterruptedException {
    return Target.discover(urls(), http).leader();
  }

  /** The node process serving {@code node} (from its node.pid), if it runs. */
  public java.util.Optional<ProcessHandle> runningProcess(java.net.URI node) {
    int index = (node.getPort() - basePort) / 100 + 1;
    try {
      long pid = Long.parseLong(Files.readString(dir.resolve("n" + index).resolve("node.pid")).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    } catch (IOException | NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  @Override
  public ProcessHandle process(java.net.URI node) {
    return runningProcess(node).orElseThrow(() -> new IllegalStateException("no running node process for " + node));
  }

  @Override
  public List<String> problems() {
    return logProblems(5);
  }

  public List<String> urls() {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      urls.add("http://127.0.0.1:" + (basePort + 100 * i));
    }
    return urls;
  }

  /**
   * WARN and ERROR lines in the nodes' logs so far (the log level is INFO), as "n1: 3, n2: 0, ..."
   * and the first few lines, so that a stall or failure on the server side shows in the benchmark's output.
   */
  public List<String> logProblems(int firstLines) {
    List<String> out = new ArrayList<>();
    StringBuilder counts = new StringBuilder("node log WARN/ERROR lines:");
    List<String> samples = new ArrayList<>();
    for (int i = 1; i <= NODES; i++) {
      Path log = dir.resolve("n" + i).resolve("node.log");
      long n = 0;
      try (var lines = Files.lines(log)) {
        for (String line : (Iterable<String>) lines::iterator) {
          if (line.contains(" WARN ") || line.contains(" ERROR ")) {
            n++;
            if (samples.size() < firstLines) {
              samples.add("  n" + i + ": " + (line.length() > 240 ? line.substring(0, 240) + "…" : line));
            }
          }
        }
      } catch (IOException | java.io.UncheckedIOException e) {
        counts.append(" n").append(i).append(": unreadable (").append(e.getMessage()).append(")");
        continue;
      }
      counts.append(" n").append(i).append(": ").append(n);
    }
    out.add(counts.toString());
    out.addAll(samples);
    return out;
  }

  /**
   * Copies every node's log to {@code bench-logs/<time>-<what>/nK.log} under the working directory and
   * returns that directory: the cluster's own directory goes when the benchmark ends, and a figure that
   * timed out is only explained by what the nodes logged.
   */
  public Path keepLogs(String what) throws IOException {
    String time = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path keep = Path.of("bench-logs", time + "-" + what.replaceAll("[^A-Za-z0-9_-]", "-")).toAbsolutePath();
    Files.createDirectories(keep);
    for (int i = 1; i <= NODES; i++) {
      Path log = dir.resolve("n" + i).resolve("node.log");
      if (Files.exists(log)) {
        Files.copy(log, keep.resolve("n" + i + ".log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return keep;
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
    new CommandLine(new LocalCluster()).execute("down", "--dir", dir.toString());
    try (var files = Files.walk(dir)) {
      files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("http-load: could not delete " + dir + ": " + e.getMessage());
    }
  }
}
