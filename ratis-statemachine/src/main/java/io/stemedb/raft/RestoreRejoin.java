package io.stemedb.raft;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After {@code stemedb restore --replace}, sees that the leader brings this replica forward, and asks
 * the leader to step down when it does not.
 *
 * <p>Why it can fail to: the leader remembers how far this replica's log matched before the restore
 * (Ratis's match index). The restored replica holds a snapshot past that index and no log, so it
 * cannot confirm the entry there; Ratis 3.3's leader never moves below its remembered match index,
 * and on a busy machine it kept sending that one heartbeat for minutes and this replica never caught
 * up (ReplicaRepairTest; docs/reliability.md, bug 6). A new leader starts with no such memory. So:
 * while this replica's commit index stays still and behind the leader's for {@code stallNanos}, with
 * no snapshot copy under way, it asks the leader to step down — at most {@code maxRequests} times.
 */
final class RestoreRejoin {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreRejoin.class);

  /** What the check needs from the node. */
  interface Node {
    /** The leader's id as this replica knows it, or null. */
    String leader();

    boolean isLeader();

    /** This replica's commit index. */
    long commitIndex();

    /** The leader's commit index, asked of the leader. */
    long leaderCommitIndex(String leader) throws Exception;

    /** True while this replica copies a snapshot from the leader (its commit index stands still then). */
    boolean copyingSnapshot();

    void askToStepDown(String leader) throws Exception;
  }

  private final String self;
  private final long restoredIndex;
  private final Node node;
  private final long stallNanos;
  private final int maxRequests;
  private long lastCommit = -1;
  private long stillSince;
  private int requests;

  RestoreRejoin(String self, long restoredIndex, Node node, long stallNanos, int maxRequests) {
    this.self = self;
    this.restoredIndex = restoredIndex;
    this.node = node;
    this.stallNanos = stallNanos;
    this.maxRequests = maxRequests;
  }

  /** One look (the node calls it every second or so); false once there is nothing more to watch. */
  boolean check(long nowNanos) {
    if (node.isLeader()) {
      return done("it leads");
    }
    long commit = node.commitIndex();
    if (commit != lastCommit || node.copyingSnapshot()) {
      lastCommit = commit;
      stillSince = nowNanos;
    }
    String leader = node.leader();
    if (leader == null) {
      return true; // an election is under way; look again
    }
    long leaderCommit;
    try {
      leaderCommit = node.leaderCommitIndex(leader);
    } catch (Exception e) {
      return true; // the leader moved or is busy; look again
    }
    if (commit >= leaderCommit) {
      return done("its commit index " + commit + " reached the leader's");
    }
    if (nowNanos - stillSince < stallNanos) {
      return true;
    }
    if (requests == maxRequests) {
      LOG.error("{}: restored at index {}, this replica is still at commit index {} while the leader {} is at {}, after "
              + "{} leader changes. Check the leader's log for this node's appends; restore again from a fresh backup, or "
              + "remove this node and add it back (docs/runbooks/005-replica-divergence.md).",
          self, restoredIndex, commit, leader, leaderCommit, requests);
      return false;
    }
    requests++;
    LOG.warn("{}: restored at index {}, this replica has stayed at commit index {} for {} s while the leader {} is at "
            + "{}: the leader keeps asking for an entry from before the restore. Asking {} to step down so that a new "
            + "leader replicates to this node afresh ({} of {}).",
        self, restoredIndex, commit, TimeUnit.NANOSECONDS.toSeconds(nowNanos - stillSince), leader, leaderCommit,
        leader, requests, maxRequests);
    try {
      node.askToStepDown(leader);
    } catch (Exception e) {
      LOG.warn("{}: asking {} to step down failed: {}; trying again later", self, leader, e.toString());
    }
    stillSince = nowNanos;
    return true;
  }

  private boolean done(String why) {
    LOG.info("{}: restored at index {}, rejoined the cluster: {}", self, restoredIndex, why);
    return false;
  }
}
