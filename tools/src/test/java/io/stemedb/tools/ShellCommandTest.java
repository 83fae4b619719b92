package io.stemedb.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `stemedb shell` without a cluster: which peers it finds and where it puts them. */
class ShellCommandTest {
  static final List<String> PEERS = List.of("127.0.0.1:1", "127.0.0.1:2");

  @Test
  void peersAreAppendedOnlyToClusterCommandsThatNameNone() {
    assertThat(RatisShellProcess.withPeers(List.of("group", "info"), PEERS))
        .containsExactly("group", "info", "-peers", "127.0.0.1:1,127.0.0.1:2");
    assertThat(RatisShellProcess.withPeers(List.of("election", "transfer", "-address", "h:1", "-peers", "x:1"), PEERS))
        .containsExactly("election", "transfer", "-address", "h:1", "-peers", "x:1");
    assertThat(RatisShellProcess.withPeers(List.of("local", "raftMetaConf", "-peers", "n1|h:1", "-path", "/d"), PEERS))
        .containsExactly("local", "raftMetaConf", "-peers", "n1|h:1", "-path", "/d");
    assertThat(RatisShellProcess.withPeers(List.of(), PEERS)).isEmpty();
  }

  @Test
  void aLocalClusterDirGivesEveryConfiguredMemberOnceAndALearnerRoundTrips(@TempDir Path dir) throws Exception {
    List<NodeSettings.Member> three = List.of(
        new NodeSettings.Member("n1", "127.0.0.1:102", "127.0.0.1:100", 0),
        new NodeSettings.Member("n2", "127.0.0.1:202", "127.0.0.1:200", 0),
        new NodeSettings.Member("n3", "127.0.0.1:302", "127.0.0.1:300", 0));
    for (NodeSettings.Member m : three) {
      write(dir, m.id(), three);
    }
    List<NodeSettings.Member> four = new java.util.ArrayList<>(three);
    four.add(new NodeSettings.Member("n4", "127.0.0.1:402", "127.0.0.1:400", 0, true));
    write(dir, "n4", four);

    ShellCommand shell = new ShellCommand();
    shell.dir = dir;
    assertThat(shell.raftPeers(shell.nodeSettings()))
        .containsExactly("127.0.0.1:102", "127.0.0.1:202", "127.0.0.1:302", "127.0.0.1:402");
    NodeSettings n4 = NodeSettings.load(LocalCluster.config(dir, "n4"), Map.of());
    assertThat(n4.peers()).filteredOn(NodeSettings.Member::learner).extracting(NodeSettings.Member::id).containsExactly("n4");
    assertThat(n4.nodeConfig().peers()).filteredOn(p -> p.learner()).hasSize(1);
  }

  @Test
  void ratisShellsSingleDashOptionsNeedNoDoubleDash() {
    CommandLine cli = StemeDbCli.commandLine();
    CommandLine.ParseResult parsed = cli.parseArgs("shell", "--peers", "h:1,h:2", "election", "transfer", "-address", "h:2");
    ShellCommand shell = parsed.subcommand().commandSpec().commandLine().getCommand();
    assertThat(shell.peers).containsExactly("h:1", "h:2");
    assertThat(shell.args).containsExactly("election", "transfer", "-address", "h:2");
  }

  @Test
  void onlyPeerAddWithIdsIsCheckedForLearners() {
    assertThat(LearnerGuard.addedIds(List.of("peer", "add", "-peerId", "n4,n5", "-address", "h:1,h:2"))).containsExactly("n4", "n5");
    assertThat(LearnerGuard.addedIds(List.of("peer", "remove", "-peerId", "n4"))).isEmpty();
    assertThat(LearnerGuard.addedIds(List.of("peer", "add", "-address", "h:1"))).isEmpty();
  }

  @Test
  void moreThanOneSourceOfPeersIsRefusedClearly() {
    StringWriter err = new StringWriter();
    CommandLine cli = StemeDbCli.commandLine();
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute("shell", "--peers", "h:1", "--dir", "/nowhere", "--", "group", "info");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("give one of --dir, --config and --peers");
  }

  private static void write(Path dir, String id, List<NodeSettings.Member> peers) throws Exception {
    NodeSettings.Member self = peers.stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
    int http = Integer.parseInt(self.httpAddress().split(":")[1]);
    Files.createDirectories(dir.resolve(id));
    Files.writeString(LocalCluster.config(dir, id),
        NodeSettings.localClusterToml(id, dir.resolve(id).resolve("data"), http, http + 2, peers, null, null, true));
  }
}
