package io.stemedb.raft;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;

/**
 * The leader hands leadership to a voter of higher election priority once that voter has nearly
 * caught up. Ratis 3.3.0's leader looks for one only when no event (a commit is one) reached it for a
 * whole election timeout, so under a steady write load a priority set at run time — or a preferred
 * node back from a restart — never moved leadership until the writes paused.
 */
final class PriorityYield {
  /**
   * How far behind the candidate may be. A transfer holds new writes back until the candidate has
   * every entry, so it must start only when that takes a moment.
   */
  static final long MAX_LAG_ENTRIES = 64;
  /** How long ago the candidate last answered the leader, at most. */
  static final long MAX_SILENCE_MS = 1000;
  /** Between two attempts (a transfer can fail: the candidate fell behind, an election intervened). */
  private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(3);

  private final RaftPeerId self;
  private final Consumer<RaftPeerId> transfer;
  private long lastAttemptNanos;

  /** {@code transfer} starts a leadership transfer to the given voter without blocking the caller. */
  PriorityYield(RaftPeerId self, Consumer<RaftPeerId> transfer) {
    this.self = self;
    this.transfer = transfer;
  }

  /** Called periodically on every node; acts only on a leader that should yield. */
  void check(RaftServer.Division d, long nowNanos) {
    if (!d.getInfo().isLeader() || !d.getInfo().isLeaderReady()
        || (lastAttemptNanos != 0 && nowNanos - lastAttemptNanos < RETRY_NANOS)) {
      return;
    }
    RaftPeerId to = choose(d);
    if (to != null) {
      lastAttemptNanos = nowNanos;
      transfer.accept(to);
    }
  }

  /** The caught-up voter of the highest priority above this leader's, or null. */
  private RaftPeerId choose(RaftServer.Division d) {
    RaftConfiguration conf = d.getRaftConf();
    RaftPeer leader = conf.getPeer(self, RaftPeerRole.FOLLOWER);
    if (leader == null || !conf.getPreviousPeers().isEmpty()) {
      return null; // not a voter, or a membership change is under way
    }
    RaftPeer best = null;
    for (RaftPeer p : conf.getCurrentPeers()) {
      if (p.getPriority() > leader.getPriority() && (best == null || p.getPriority() > best.getPriority())) {
        best = p;
      }
    }
    if (best == null) {
      return null;
    }
    long last = d.getRaftLog().getNextIndex() - 1;
    return isNearlyCaughtUp(d, best.getId(), last) ? best.getId() : null;
  }

  /**
   * Whether the leader heard from {@code follower} lately and it has all but a few entries. (A dead
   * follower keeps its last match index: on a quiet cluster it would look caught up for ever.)
   */
  private static boolean isNearlyCaughtUp(RaftServer.Division d, RaftPeerId follower, long lastIndex) {
    RoleInfoProto role = d.getInfo().getRoleInfoProto();
    if (!role.hasLeaderInfo()) {
      return false;
    }
    long[] indices = d.getInfo().getFollowerMatchIndices();
    List<ServerRpcProto> followers = role.getLeaderInfo().getFollowerInfoList();
    for (int i = 0; i < followers.size() && i < indices.length; i++) {
      ServerRpcProto f = followers.get(i);
      if (f.getId().getId().toStringUtf8().equals(follower.toString())) {
        return f.getLastRpcElapsedTimeMs() <= MAX_SILENCE_MS && indices[i] >= lastIndex - MAX_LAG_ENTRIES;
      }
    }
    return false;
  }
}
