package io.stemedb.raft;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a node needs to join its cluster. The Raft group is identified by {@code clusterName}, so
 * every node of a cluster must use the same name; peers carry their election priority (a higher
 * priority becomes leader when it can).
 *
 * @param snapshotEveryEntries take a snapshot (and purge the log behind it) after this many entries
 * @param snapshotEveryBytes ... or once the entries applied since the last snapshot take this many bytes
 *     (batches make entries large: this bounds the log on disk, and how far a follower can fall behind
 *     before it copies the leader's store files instead of replaying the log)
 * @param commitInterval how often the store is committed to disk between snapshots (the Raft log
 *     covers the rest; this only bounds how much a restart replays)
 * @param requestTimeout how long a write or a linearizable read waits for a quorum before answering
 *     "unavailable"
 * @param electionTimeoutMin Raft election timeout range (followers wait this long without a
 *     heartbeat before standing); failover takes about this long
 * @param purgeGap entries purged at a time behind a snapshot
 * @param logSegmentBytes Raft log segment size; only closed segments are purged, so this is also the
 *     granularity of log purging
 * @param groupCommit how concurrent writes on this node share Raft entries
 * @param merkleCheckInterval how often the leader compares the replicas' Merkle roots at a checkpoint
 *     entry ({@link MerkleCheck}); zero turns the check off
 * @param tls the node's certificate, key and trusted CAs for mutual TLS between nodes (its Raft server
 *     and its Raft client); null: plaintext Raft
 */
public record NodeConfig(
    String nodeId,
    String raftHost,
    int raftPort,
    List<Peer> peers,
    Path dataDir,
    String clusterName,
    long snapshotEveryEntries,
    long snapshotEveryBytes,
    Duration commitInterval,
    Duration requestTimeout,
    Duration electionTimeoutMin,
    Duration electionTimeoutMax,
    int purgeGap,
    long logSegmentBytes,
    GroupCommitConfig groupCommit,
    Duration merkleCheckInterval,
    TlsFiles tls) {

  /**
   * A member of the cluster as this node starts with it: a voter, or a learner (a Raft listener:
   * it receives the log but never votes or stands for election). A node joining a running cluster
   * starts as a learner of its own configuration, so that it waits for the leader to add it instead
   * of standing for election, which the leader would answer by shutting it down.
   */
  public record Peer(String id, String raftAddress, int priority, boolean learner) {
    public Peer {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(raftAddress, "raftAddress");
    }

    /** A voting member. */
    public Peer(String id, String raftAddress, int priority) {
      this(id, raftAddress, priority, false);
    }
  }

  public NodeConfig {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(groupCommit, "groupCommit");
    Objects.requireNonNull(merkleCheckInterval, "merkleCheckInterval");
    peers = List.copyOf(peers);
    if (peers.stream().noneMatch(p -> p.id().equals(nodeId))) {
      throw new IllegalArgumentException("peers must include this node " + nodeId);
    }
  }

  /** A node with the product's defaults (ports and peers from the caller). */
  public static NodeConfig of(String nodeId, String raftHost, int raftPort, List<Peer> peers, Path dataDir) {
    return new NodeConfig(
        nodeId, raftHost, raftPort, peers, dataDir, "stemedb", 10_000, 64L << 20,
        Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMillis(150), Duration.ofMillis(300), 32, 8L << 20,
        GroupCommitConfig.DEFAULTS, Duration.ofSeconds(60), null);
  }

  public NodeConfig withSnapshotEveryEntries(long entries) {
    return new NodeConfig(nodeId, raftHost, raftPort, peers, dataDir, clusterName, entries, snapshotEveryBytes, commitInterval,
        requestTimeout, electionTimeoutMin, electionTimeoutMax, purgeGap, logSegmentBytes, groupCommit,
        merkleCheckInterval, tls);
  }

  public NodeConfig withSnapshotEveryBytes(long bytes) {
    return new NodeConfig(nodeId, raftHost, raftPort, peers, dataDir, clusterName, snapshotEveryEntries, bytes,
        commitInterval, requestTimeout, electionTimeoutMin, electionTimeoutMax, purgeGap, logSegmentBytes, groupCommit,
        merkleCheckInterval, tls);
  }

  public NodeConfig withPurgeGap(int gap) {
    return new NodeConfig(nodeId, raftHost, raftPort, peers, dataDir, clusterName, snapshotEveryEntries, snapshotEveryBytes,
        commitInterval, requestTimeout, electionTimeoutMin, electionTimeoutMax, gap, logSegmentBytes, groupCommit,
        merkleCheckInterval, tls);
  }

  public NodeConfig withLogSegmentBytes(long bytes) {
    return new NodeConfig(nodeId, raftHost, raftPort, peers, dataDir, clusterName, snapshotEveryEntries, snapshotEveryBytes,
        commitInterval, requestTimeout, electionTimeoutMin, electionTimeoutMax, purgeGap, bytes, groupCommit,
        merkleCheckInterval, tls);
  }

  public NodeConfig withRequestTimeout(Duration timeout) {
    return new NodeConfig(nodeId, raftHost, raftPort, peers, dataDir, clusterName, snapshotEveryEntries, snapshotEveryBytes,
        commitInterval, timeout, electionTimeoutMin, electionTimeoutMax, purgeGap, logSegmentBytes, groupCommit,
        merkleCheckInterval, tls);
  }

  public NodeConfig withGroupCommit(GroupCommitConfig settings) {
    return new NodeConfig(nodeId, raftHost, raftPort, peers, dataDir, clusterName, snapshotEveryEntries, snapshotEveryBytes,
        commitInterval, requestTimeout, electionTimeoutMin, electionTimeoutMax, purgeGap, logSegmentBytes, settings,
        merkleCheckInterval, tls);
  }

  public NodeConfig withMerkleCheckInterval(Duration interval) {
    return new NodeConfig(nodeId, raftHost, raftPort, peers, dataDir, clusterName, snapshotEveryEntries, snapshotEveryBytes,
        commitInterval, requestTimeout, electionTimeoutMin, electionTimeoutMax, purgeGap, logSegmentBytes, groupCommit,
        interval, tls);
  }

  public NodeConfig withTls(TlsFiles files) {
    return new NodeConfig(nodeId, raftHost, raftPort, peers, dataDir, clusterName, snapshotEveryEntries, snapshotEveryBytes,
        commitInterval, requestTimeout, electionTimeoutMin, electionTimeoutMax, purgeGap, logSegmentBytes, groupCommit,
        merkleCheckInterval, files);
  }
}
