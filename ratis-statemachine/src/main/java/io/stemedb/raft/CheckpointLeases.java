package io.stemedb.raft;

import io.stemedb.raft.proto.SnapshotFileChunk;
import io.stemedb.raft.proto.SnapshotFileChunkReply;
import io.stemedb.raft.proto.SnapshotFilesReply;
import io.stemedb.storage.Store;
import io.stemedb.storage.StoreCheckpoint;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving side of a snapshot copy: store checkpoints pinned for followers that copy them. A
 * checkpoint keeps its run files from compaction's deletes, so each is released when its follower
 * says it is done, or after 10 minutes without a read (a follower that died part-way).
 */
final class CheckpointLeases implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointLeases.class);
  static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(10);
  private final long idleNanos;
  /** More followers copying at once than this are told to come back later. */
  static final int MAX_PINNED = 4;
  static final int MAX_CHUNK_BYTES = 8 << 20;

  private static final class Lease {
    final StoreCheckpoint checkpoint;
    volatile long lastUsed = System.nanoTime();

    Lease(StoreCheckpoint checkpoint) {
      this.checkpoint = checkpoint;
    }
  }

  private final String node;
  private final Map<Long, Lease> pinned = new HashMap<>();
  private long nextId = 1;

  CheckpointLeases(String node) {
    this(node, IDLE_NANOS);
  }

  CheckpointLeases(String node, long idleNanos) {
    this.node = node;
    this.idleNanos = idleNanos;
  }

  /** Pins the files of {@code store}'s last commit and lists them. */
  synchronized SnapshotFilesReply pin(Store store) throws IOException {
    expireIdle();
    if (pinned.size() >= MAX_PINNED) {
      throw new IllegalStateException(pinned.size() + " snapshot copies are already being served; try again later");
    }
    StoreCheckpoint cp = store.checkpoint();
    long id = nextId++;
    pinned.put(id, new Lease(cp));
    LOG.info("{}: serving snapshot {} (index {}, {} files, {} MiB) to a follower behind the log",
        node, id, cp.index(), cp.files().size(), cp.bytes() >> 20);
    SnapshotFilesReply.Builder reply = SnapshotFilesReply.newBuilder()
        .setCheckpoint(id).setIndex(cp.index()).setTerm(cp.term());
    cp.files().forEach(f -> reply.addFilesBuilder().setName(f.name()).setSize(f.size()));
    return reply.build();
  }

  SnapshotFileChunkReply read(SnapshotFileChunk request) throws IOException {
    Lease lease;
    synchronized (this) {
      lease = pinned.get(request.getCheckpoint());
    }
    if (lease == null) {
      throw new IllegalStateException("snapshot " + request.getCheckpoint() + " is not served here (released, "
          + "idle too long, or this node restarted); start the copy again");
    }
    lease.lastUsed = System.nanoTime();
    int max = Math.max(1, Math.min(request.getMaxBytes(), MAX_CHUNK_BYTES));
    byte[] data = lease.checkpoint.read(request.getName(), request.getOffset(), max);
    return SnapshotFileChunkReply.newBuilder().setData(UnsafeByteOperations.unsafeWrap(data)).build();
  }

  synchronized void release(long id) {
    Lease lease = pinned.remove(id);
    if (lease != null) {
      lease.checkpoint.close();
      LOG.info("{}: snapshot {} released", node, id);
    }
  }

  /** Releases checkpoints no follower has read for a while (also called every second). */
  synchronized void expireIdle() {
    for (Iterator<Map.Entry<Long, Lease>> it = pinned.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Lease> e = it.next();
      if (System.nanoTime() - e.getValue().lastUsed > idleNanos) {
        LOG.warn("{}: snapshot {} unread for {} s; releasing it (its follower gave up or died)", node, e.getKey(),
            TimeUnit.NANOSECONDS.toSeconds(idleNanos));
        e.getValue().checkpoint.close();
        it.remove();
      }
    }
  }

  @Override
  public synchronized void close() {
    pinned.values().forEach(l -> l.checkpoint.close());
    pinned.clear();
  }
}
