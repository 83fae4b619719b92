package io.stemedb.tools;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stemedb cluster add-node}: one more node process for a running local cluster, waiting to be
 * added. It lists itself as a learner of its own configuration: a node that listed itself as a voter
 * would stand for election before the leader knows it, and the leader answers a candidate it does not
 * know by shutting it down. The Raft membership change is the operator's, and says what it becomes.
 */
@Command(name = "add-node", mixinStandardHelpOptions = true,
    description = "Starts one more node (the next nK, on the next ports) that waits for the leader to add it.")
final class AddNode extends LocalCluster.DirOption implements Callable<Integer> {
  @Option(names = "--timeout", defaultValue = "60", description = "seconds to wait for its HTTP port (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    List<String> ids = LocalCluster.nodeIds(dir);
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("no cluster in " + dir + " (run cluster up first)");
    }
    // The members as configured: each node's [[peers]], by id (a node added earlier lists itself too).
    Map<String, NodeSettings.Member> members = new TreeMap<>();
    NodeSettings first = null;
    for (String id : ids) {
      NodeSettings s = NodeSettings.load(LocalCluster.config(dir, id), Map.of());
      first = first == null ? s : first;
      s.peers().forEach(m -> members.putIfAbsent(m.id(), m));
    }
    int k = members.keySet().stream().mapToInt(AddNode::number).max().orElse(0) + 1;
    int n1Http = first.httpPort() - 100 * (number(first.nodeId()) - 1);
    int http = n1Http + 100 * (k - 1);
    String id = "n" + k;
    NodeSettings.Member self = new NodeSettings.Member(id, "127.0.0.1:" + (http + 2), "127.0.0.1:" + http, 0, true);
    List<NodeSettings.Member> peers = new ArrayList<>(members.values());
    peers.add(self);

    Path nodeDir = dir.resolve(id);
    Files.createDirectories(nodeDir);
    Files.writeString(LocalCluster.config(dir, id), NodeSettings.localClusterToml(id, nodeDir.resolve("data").toAbsolutePath(),
        http, http + 2, peers, first.auth().adminToken(),
        first.auth().writerTokens().isEmpty() ? null : first.auth().writerTokens().get(0), first.groupCommit().enabled()));
    LocalCluster.startNode(dir, id);
    if (!awaitHealth(self.httpAddress(), Duration.ofSeconds(timeoutSeconds))) {
      System.err.println("stemedb cluster: " + id + " did not answer on http://" + self.httpAddress() + " within "
          + timeoutSeconds + " s; see " + nodeDir.resolve("node.log"));
      return 1;
    }
    System.out.println("stemedb cluster: " + id + " is running (http://" + self.httpAddress() + ", raft " + self.raftAddress()
        + ") and waits to be added. Add it as a voter:");
    System.out.println("  ./stemedb shell --dir " + dir + " -- peer add -peerId " + id + " -address " + self.raftAddress());
    System.out.println("or as a learner (it receives the log, does not vote):");
    System.out.println("  curl -X POST http://" + first.httpAddresses().get(first.nodeId()) + "/v1/admin/cluster/members"
        + (first.auth().adminToken() == null ? "" : " -H 'Authorization: Bearer <admin token>'")
        + " -H 'Content-Type: application/json' -d '{\"id\":\"" + id + "\",\"raftAddress\":\"" + self.raftAddress()
        + "\",\"httpAddress\":\"" + self.httpAddress() + "\",\"learner\":true}'");
    return 0;
  }

  /** K of "nK"; 0 for an id of another form. */
  private static int number(String id) {
    try {
      return id.startsWith("n") ? Integer.parseInt(id.substring(1)) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static boolean awaitHealth(String httpAddress, Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://" + httpAddress + "/health"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return true;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    return false;
  }
}
