package io.stemedb.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Apache Ratis's ratis-shell, run as a child JVM on its own classpath (the {@code ratis-shell} module
 * writes it to {@code ratis-shell/target/classpath.txt}). It cannot run inside this JVM: next to the
 * node's Dropwizard 4 metrics every ratis-shell command dies with NoClassDefFoundError.
 */
final class RatisShellProcess {
  /** Where the classpath file is; the ./stemedb script sets it. */
  static final String CLASSPATH_PROPERTY = "stemedb.ratis-shell.classpath";
  static final String MAIN_CLASS = "org.apache.ratis.shell.cli.sh.RatisShell";
  private static final Path RELATIVE_FILE = Path.of("ratis-shell", "target", "classpath.txt");
  /** The commands that talk to a cluster and take {@code -peers host:port,...}. */
  private static final Set<String> CLUSTER_COMMANDS = Set.of("group", "election", "peer", "snapshot");

  private RatisShellProcess() {}

  /**
   * {@code args} with {@code -peers <peers>} appended when the command talks to a cluster and does
   * not name its peers itself. ({@code local raftMetaConf} also has a {@code -peers}, of ids and
   * addresses, describing a configuration to write: it is left alone.)
   */
  static List<String> withPeers(List<String> args, List<String> peers) {
    if (!needsPeers(args) || peers.isEmpty()) {
      return args;
    }
    List<String> out = new ArrayList<>(args);
    out.add("-peers");
    out.add(String.join(",", peers));
    return out;
  }

  /** Whether {@code args} run a command that talks to a cluster but names no peers. */
  static boolean needsPeers(List<String> args) {
    return !args.isEmpty() && CLUSTER_COMMANDS.contains(args.get(0)) && !args.contains("-peers");
  }

  /** Runs ratis-shell with {@code args}, copying its output to {@code out} and {@code err}; its exit code. */
  static int run(List<String> args, PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
    String classpath = Files.readString(classpathFile()).trim();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // One short command per JVM: the C1 compiler alone and a serial collector start fastest and
        // take the least CPU from the nodes on a small machine.
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
        // gRPC and the Raft client log at INFO about every connection; the command's answer is the output.
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", classpath, MAIN_CLASS));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
    // Copied rather than inherited, so that a caller (a test) can capture what the command printed.
    Thread stdout = copy(p.getInputStream(), out, "ratis-shell-stdout");
    Thread stderr = copy(p.getErrorStream(), err, "ratis-shell-stderr");
    int code = p.waitFor();
    stdout.join();
    stderr.join();
    out.flush();
    err.flush();
    return code;
  }

  private static Thread copy(InputStream from, PrintWriter to, String name) {
    Thread t = new Thread(() -> {
      try (Reader r = new InputStreamReader(from, StandardCharsets.UTF_8)) {
        char[] buffer = new char[8192];
        for (int n; (n = r.read(buffer)) >= 0; ) {
          to.write(buffer, 0, n);
          to.flush();
        }
      } catch (IOException e) {
        to.println("stemedb shell: lost ratis-shell's output: " + e.getMessage());
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * The classpath file: the system property's, else {@code ratis-shell/target/classpath.txt} in the
   * source tree this CLI runs from (found upwards from its own classes, then from the working directory).
   */
  static Path classpathFile() {
    String configured = System.getProperty(CLASSPATH_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path file = Path.of(configured);
      if (Files.isRegularFile(file)) {
        return file;
      }
      throw missing(file);
    }
    return findUpwards(codeLocation()).or(() -> findUpwards(Optional.of(Path.of("").toAbsolutePath())))
        .orElseThrow(() -> missing(RELATIVE_FILE));
  }

  private static Optional<Path> codeLocation() {
    try {
      return Optional.of(Path.of(RatisShellProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (URISyntaxException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<Path> findUpwards(Optional<Path> start) {
    for (Path dir = start.orElse(null); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(RELATIVE_FILE);
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static IllegalStateException missing(Path file) {
    return new IllegalStateException("ratis-shell's classpath (" + file + ") is not built. Build it from the"
        + " repository root with: mvn -B -q -DskipTests -pl ratis-shell package   (./stemedb builds it too)");
  }
}
