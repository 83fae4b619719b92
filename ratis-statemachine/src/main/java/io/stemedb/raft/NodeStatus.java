package io.stemedb.raft;

import java.util.List;

/**
 * One node's view of the cluster (the API's {@code /v1/admin/cluster/status}).
 *
 * @param role primary, replica, candidate or learner (the seeds' words)
 * @param leaderId the leader this node knows of, or {@code null}
 */
public record NodeStatus(
    String nodeId,
    String role,
    long term,
    String leaderId,
    long commitIndex,
    long appliedIndex,
    long snapshotIndex,
    List<PeerStatus> peers) {

  /**
   * @param matchIndex the highest entry the leader knows the peer holds (-1 when this node is not the
   *     leader and cannot know)
   * @param lagEntries how far the peer's match index is behind this node's commit index
   * @param lastContactMs milliseconds since the leader last heard from it (-1 when unknown)
   */
  public record PeerStatus(
      String id, String raftAddress, int priority, String role, long matchIndex, long lagEntries, long lastContactMs) {}
}
