package io.stemedb.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code stemedb shell [--dir D | --config FILE | --peers host:port,...] -- ARGS}: Apache Ratis's
 * ratis-shell against this cluster, its Raft addresses filled in as {@code -peers}.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
    description = {"Runs Apache Ratis's ratis-shell against the cluster (its Raft addresses filled in as -peers).",
        "e.g. stemedb shell -- group info;  stemedb shell -- election transfer -address 127.0.0.1:18282;",
        "     stemedb shell -- peer setPriority -addressPriority '127.0.0.1:18382|2';  stemedb shell -- election stepDown;",
        "     stemedb shell -- peer add -peerId n4 -address 127.0.0.1:18482;  stemedb shell -- peer remove -peerId n4"})
public final class ShellCommand implements Callable<Integer> {
  /** Where `stemedb cluster up` keeps a local cluster unless told otherwise. */
  static final Path DEFAULT_DIR = Path.of(".stemedb", "local");

  @Option(names = "--dir", description = "a local cluster's directory (default: .stemedb/local when it exists)")
  Path dir;

  @Option(names = "--config", description = "a node's TOML settings: its [[peers]] are the cluster")
  Path config;

  @Option(names = "--peers", split = ",", description = "the Raft addresses, host:port,...")
  List<String> peers;

  @Parameters(description = "ratis-shell's arguments (single-dash options), after --", arity = "0..*")
  List<String> args = new ArrayList<>();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    try {
      List<NodeSettings> nodes = nodeSettings();
      List<String> command = RatisShellProcess.withPeers(args, raftPeers(nodes));
      if (RatisShellProcess.needsPeers(command)) {
        throw new IllegalArgumentException("no cluster found (no " + DEFAULT_DIR + "): give --dir, --config or --peers");
      }
      if (!nodes.isEmpty()) {
        List<String> http = members(nodes).stream().map(NodeSettings.Member::httpAddress).toList();
        Optional<String> refused = LearnerGuard.refusal(args, http, nodes.get(0).auth().adminToken());
        if (refused.isPresent()) {
          throw new IllegalArgumentException(refused.get());
        }
      }
      return RatisShellProcess.run(command, spec.commandLine().getOut(), err);
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("stemedb shell: " + e.getMessage());
      err.flush();
      return 2;
    }
  }

  /** The settings of the node(s) --config or --dir name (none with --peers, or with no local cluster). */
  List<NodeSettings> nodeSettings() throws IOException {
    int given = (dir != null ? 1 : 0) + (config != null ? 1 : 0) + (peers != null ? 1 : 0);
    if (given > 1) {
      throw new IllegalArgumentException("give one of --dir, --config and --peers");
    }
    if (peers != null) {
      return List.of();
    }
    if (config != null) {
      return List.of(NodeSettings.load(config, System.getenv()));
    }
    if (dir == null && !Files.isDirectory(DEFAULT_DIR)) {
      return List.of();
    }
    Path clusterDir = dir != null ? dir : DEFAULT_DIR;
    List<NodeSettings> out = new ArrayList<>();
    for (String id : LocalCluster.nodeIds(clusterDir)) {
      out.add(NodeSettings.load(LocalCluster.config(clusterDir, id), Map.of()));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no node settings (n*/stemedb.toml) in " + clusterDir);
    }
    return out;
  }

  /** The cluster's Raft addresses: --peers, else every member the settings name. */
  List<String> raftPeers(List<NodeSettings> nodes) {
    return peers != null ? List.copyOf(peers) : members(nodes).stream().map(NodeSettings.Member::raftAddress).toList();
  }

  /**
   * Every member named in the nodes' [[peers]], once, by id (a node added later lists the earlier
   * ones and itself; they do not list it).
   */
  static List<NodeSettings.Member> members(List<NodeSettings> nodes) {
    Map<String, NodeSettings.Member> byId = new TreeMap<>();
    for (NodeSettings n : nodes) {
      n.peers().forEach(m -> byId.putIfAbsent(m.id(), m));
    }
    return List.copyOf(byId.values());
  }
}
