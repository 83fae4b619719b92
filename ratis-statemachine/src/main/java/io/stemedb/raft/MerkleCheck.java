package io.stemedb.raft;

import io.stemedb.raft.proto.CheckpointRoot;
import io.stemedb.raft.proto.CheckpointRootReply;
import io.stemedb.raft.proto.Query;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's periodic check that the replicas hold the same data, like etcd's corruption check.
 *
 * <p>Replicas are compared at one log index, which writes never leave still: the leader appends a
 * checkpoint entry through Raft, every replica records its Merkle root when it applies that entry,
 * and the leader then asks each follower for its root there. Equal roots at one index mean equal
 * record sets; a differing one sets {@code stemedb_merkle_mismatch{peer}} and logs what to do. A
 * follower that cannot answer in time counts in {@code stemedb_merkle_sync_errors_total}.
 */
final class MerkleCheck {
  private static final Logger LOG = LoggerFactory.getLogger(MerkleCheck.class);

  /** The node's side of it: what the check needs and nothing else. */
  interface Node {
    boolean isLeader();

    /** Appends a checkpoint entry through Raft; returns its index once applied here. */
    long appendCheckpoint();

    String ownRoot(long index);

    List<String> followers();

    /** The follower's answer to a {@link Query}, or throws when it cannot be reached. */
    CheckpointRootReply ask(String follower, Query query) throws Exception;
  }

  private final String self;
  private final Node node;
  private final NodeMetrics metrics;
  private final long followerWaitMs;

  MerkleCheck(String self, Node node, NodeMetrics metrics, long followerWaitMs) {
    this.self = self;
    this.node = node;
    this.metrics = metrics;
    this.followerWaitMs = followerWaitMs;
  }

  /** One round; does nothing on a follower. Never throws (it runs on a timer). */
  void run() {
    if (!node.isLeader()) {
      return;
    }
    long started = System.nanoTime();
    try {
      long index = node.appendCheckpoint();
      String root = node.ownRoot(index);
      if (root == null) {
        return; // leadership moved while the checkpoint applied; the new leader checks next time
      }
      for (String follower : node.followers()) {
        compare(follower, index, root);
      }
      metrics.merkleChecks.inc();
    } catch (Exception e) {
      metrics.merkleSyncErrors.inc();
      LOG.warn("{}: Merkle check could not append its checkpoint: {}", self, e.toString());
    } finally {
      metrics.merkleSyncSeconds.observe((System.nanoTime() - started) / 1e9);
    }
  }

  private void compare(String follower, long index, String root) {
    Query query = Query.newBuilder().setCheckpointRoot(CheckpointRoot.newBuilder().setIndex(index)).build();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(followerWaitMs);
    try {
      while (true) {
        CheckpointRootReply reply = node.ask(follower, query);
        if (reply.getKnown()) {
          boolean same = reply.getRoot().equals(root);
          metrics.merkleMismatch.put(follower, same ? 0 : 1);
          if (!same) {
            LOG.error("{}: replica {} has Merkle root {} at index {}, the leader {}: its data differ. Confirm with "
                + "POST /v1/admin/cluster/merkle-diff {{\"other_node\": \"{}\"}}, then rebuild it: stop it, keep a copy "
                + "of its data directory, `stemedb backup` this node, `stemedb restore --replace` into its data "
                + "directory, start it (docs/runbooks/005-replica-divergence.md).",
                self, follower, reply.getRoot(), index, root, follower);
          }
          return;
        }
        if (reply.getAppliedIndex() >= index || System.nanoTime() > deadline) {
          // applied past it without a record (restarted in between), or too far behind: next round
          metrics.merkleSyncErrors.inc();
          return;
        }
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      metrics.merkleSyncErrors.inc();
      LOG.warn("{}: Merkle check could not reach {}: {}", self, follower, e.toString());
    }
  }
}
