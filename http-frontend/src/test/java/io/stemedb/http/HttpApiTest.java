package io.stemedb.http;

import io.stemedb.raft.NodeConfig;
import io.stemedb.raft.StemeNode;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP contract against three in-process nodes (Ratis over gRPC on loopback, MapDB on disk). */
class HttpApiTest extends HttpContractTests {
  private final List<StemeNode> nodes = new ArrayList<>();
  private final List<ApiServer> servers = new ArrayList<>();
  private final List<String> urls = new ArrayList<>();

  @BeforeAll
  void startCluster(@TempDir Path dir) throws Exception {
    List<NodeConfig.Peer> peers = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      peers.add(new NodeConfig.Peer("n" + i, "127.0.0.1:" + freePort(), 0));
    }
    for (NodeConfig.Peer p : peers) {
      int port = Integer.parseInt(p.raftAddress().split(":")[1]);
      StemeNode node = StemeNode.start(NodeConfig.of(p.id(), "127.0.0.1", port, peers, dir.resolve(p.id())));
      nodes.add(node);
      ApiServer server = ApiServer.start(node, "127.0.0.1", 0, Limits.DEFAULTS, new HashMap<>());
      servers.add(server);
      urls.add("http://127.0.0.1:" + server.port());
    }
    awaitAnyLeader();
  }

  @AfterAll
  void stopCluster() throws Exception {
    for (ApiServer s : servers) {
      s.close();
    }
    for (StemeNode n : nodes) {
      n.close();
    }
  }

  @Override
  protected List<String> urls() {
    return urls;
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
