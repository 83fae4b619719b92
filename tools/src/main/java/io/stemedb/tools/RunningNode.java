package io.stemedb.tools;

import io.stemedb.http.ApiServer;
import io.stemedb.raft.DiskFailure;
import io.stemedb.raft.StemeNode;
import java.io.IOException;

/**
 * A node started from its settings, as {@code stemedb server} runs it: Raft first, then the HTTP API
 * (with the same TLS identity when {@code [tls]} is on). Tests start nodes the same way.
 */
public record RunningNode(NodeSettings settings, StemeNode node, ApiServer api) implements AutoCloseable {

  /**
   * @throws IllegalArgumentException for settings that cannot work, e.g. a missing or bad TLS file
   *     (the message names the setting and the file)
   */
  public static RunningNode start(NodeSettings settings) throws IOException {
    return start(settings, DiskFailure.KEEP_PROCESS);
  }

  /** As {@link #start(NodeSettings)}; {@code stemedb server} passes {@link DiskFailure#HALT} (fail-stop). */
  public static RunningNode start(NodeSettings settings, DiskFailure onDiskFailure) throws IOException {
    StemeNode node = StemeNode.start(settings.nodeConfig(), onDiskFailure);
    try {
      ApiServer api = ApiServer.start(node, settings.httpHost(), settings.httpPort(), settings.limits(),
          settings.httpAddresses(), settings.auth(), settings.rateLimits(), settings.tls());
      return new RunningNode(settings, node, api);
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
  }

  /** {@code http} or {@code https}. */
  public String scheme() {
    return settings.tls() == null ? "http" : "https";
  }

  @Override
  public void close() throws IOException {
    try {
      api.close();
    } finally {
      node.close();
    }
  }
}
