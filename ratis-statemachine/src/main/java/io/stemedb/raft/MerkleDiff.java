package io.stemedb.raft;

import io.stemedb.raft.proto.CheckpointRoot;
import io.stemedb.raft.proto.CheckpointRootReply;
import io.stemedb.raft.proto.Query;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * An operator's comparison of two replicas (the API's merkle-diff): a checkpoint entry goes through
 * Raft, so both replicas record their Merkle summary at the same log index, and the two are compared
 * there — root, and bucket by bucket where the roots differ. The same mechanism as {@link MerkleCheck},
 * asked for on demand and for bucket detail.
 */
public final class MerkleDiff {
  /** Two replicas at one index: equal roots, or the buckets (id prefixes) whose hashes differ. */
  public record Result(long index, Map<String, String> roots, boolean equal, List<Bucket> differing) {}

  /** One bucket's hash on each replica ({@code null} where the bucket is empty). */
  public record Bucket(String prefix, Map<String, String> hashes) {}

  private MerkleDiff() {}

  static Result compare(MerkleCheck.Node node, List<String> replicas, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        return compareOnce(node, replicas, deadline);
      } catch (IllegalStateException e) {
        // A replica restarted around the checkpoint and applied it from its store, unrecorded: take another.
        if (attempt == 3 || System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }

  private static Result compareOnce(MerkleCheck.Node node, List<String> replicas, long deadline) throws Exception {
    long index = node.appendCheckpoint();
    Query query = Query.newBuilder()
        .setCheckpointRoot(CheckpointRoot.newBuilder().setIndex(index).setWithBuckets(true)).build();
    Map<String, String> roots = new LinkedHashMap<>();
    Map<String, Map<String, String>> buckets = new LinkedHashMap<>();
    for (String replica : replicas) {
      CheckpointRootReply reply = await(node, replica, query, index, deadline);
      roots.put(replica, reply.getRoot());
      Map<String, String> b = new TreeMap<>();
      for (String entry : reply.getBucketsList()) {
        int colon = entry.indexOf(':');
        b.put(entry.substring(0, colon), entry.substring(colon + 1));
      }
      buckets.put(replica, b);
    }
    boolean equal = roots.values().stream().distinct().count() == 1;
    List<Bucket> differing = new ArrayList<>();
    if (!equal) {
      TreeSet<String> prefixes = new TreeSet<>();
      buckets.values().forEach(b -> prefixes.addAll(b.keySet()));
      for (String prefix : prefixes) {
        Map<String, String> hashes = new LinkedHashMap<>();
        buckets.forEach((replica, b) -> hashes.put(replica, b.get(prefix)));
        if (hashes.values().stream().distinct().count() > 1) {
          differing.add(new Bucket(prefix, hashes));
        }
      }
    }
    return new Result(index, roots, equal, differing);
  }

  private static CheckpointRootReply await(MerkleCheck.Node node, String replica, Query query, long index, long deadline)
      throws Exception {
    while (true) {
      CheckpointRootReply reply = node.ask(replica, query);
      if (reply.getKnown()) {
        return reply;
      }
      if (reply.getAppliedIndex() >= index) {
        throw new IllegalStateException(replica + " applied index " + index + " without recording it (it restarted "
            + "meanwhile); ask again");
      }
      if (System.nanoTime() > deadline) {
        throw new java.util.concurrent.TimeoutException(replica + " has not applied index " + index + " yet (at "
            + reply.getAppliedIndex() + "); it is behind — see its replication lag");
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }
}
