package io.stemedb.tools.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stemedb.tools.LocalCluster;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;

/**
 * What the StemeDB-only figures do to single nodes of an {@link OwnCluster}: read a node's status and
 * resident memory, stop and start it with {@code stemedb cluster stop-node/start-node}, and wait until
 * it is ready and has applied up to an index.
 */
public final class NodeOps {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OwnCluster cluster;
  private final Http http;

  public NodeOps(OwnCluster cluster, Http http) {
    this.cluster = cluster;
    this.http = http;
  }

  /** GET /v1/admin/cluster/status of {@code node}; empty when it does not answer. */
  public Optional<JsonNode> status(URI node) {
    Http.Reply r = http.get(node.resolve("/v1/admin/cluster/status"));
    if (!r.ok()) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readTree(r.body()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  public long commitIndex(URI node) {
    return status(node).map(s -> s.path("commitIndex").asLong(-1)).orElse(-1L);
  }

  public long appliedIndex(URI node) {
    return status(node).map(s -> s.path("appliedIndex").asLong(-1)).orElse(-1L);
  }

  /** VmRSS of the node's process in bytes (/proc/<pid>/status), or -1. */
  public long rssBytes(URI node) {
    Optional<ProcessHandle> p = cluster.runningProcess(node);
    if (p.isEmpty()) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.get().pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;   // "VmRSS:   123456 kB"
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** n1, n2, n3 for the node at {@code node}. */
  public String id(URI node) {
    return "n" + (cluster.nodes().indexOf(node) + 1);
  }

  /** SIGTERM, then SIGKILL after 15 s (cluster stop-node). */
  public void stop(URI node) {
    new CommandLine(new LocalCluster()).execute("stop-node", "--dir", cluster.dir().toString(), id(node));
  }

  /** Starts the node's process again with its data (cluster start-node); returns when the process runs. */
  public void start(URI node) {
    int rc = new CommandLine(new LocalCluster()).execute("start-node", "--dir", cluster.dir().toString(), id(node));
    if (rc != 0) {
      throw new IllegalStateException("start-node " + id(node) + " failed (" + rc + ")");
    }
  }

  /** Nanoseconds from {@code t0} until GET /ready answers 200, or -1 at the deadline. */
  public long awaitReady(URI node, long t0, long deadlineNanos) throws InterruptedException {
    while (System.nanoTime() < deadlineNanos) {
      if (http.get(node.resolve("/ready")).ok()) {
        return System.nanoTime() - t0;
      }
      Thread.sleep(20);
    }
    return -1;
  }

  /** Nanoseconds from {@code t0} until the node answers its status at all, or -1 at the deadline. */
  public long awaitStatus(URI node, long t0, long deadlineNanos) throws InterruptedException {
    while (System.nanoTime() < deadlineNanos) {
      if (status(node).isPresent()) {
        return System.nanoTime() - t0;
      }
      Thread.sleep(20);
    }
    return -1;
  }

  /** Nanoseconds from {@code t0} until the node's appliedIndex ≥ {@code index}, or -1 at the deadline. */
  public long awaitApplied(URI node, long index, long t0, long deadlineNanos) throws InterruptedException {
    while (System.nanoTime() < deadlineNanos) {
      if (appliedIndex(node) >= index) {
        return System.nanoTime() - t0;
      }
      Thread.sleep(20);
    }
    return -1;
  }
}
