package io.stemedb.raft;

import io.stemedb.raft.proto.Query;
import io.stemedb.raft.proto.SnapshotFile;
import io.stemedb.raft.proto.SnapshotFileChunk;
import io.stemedb.raft.proto.SnapshotFileChunkReply;
import io.stemedb.raft.proto.SnapshotFiles;
import io.stemedb.raft.proto.SnapshotFilesReply;
import io.stemedb.storage.CheckpointInstall;
import io.stemedb.storage.StoreCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The copying side of a snapshot install: asks the leader to pin the files of its last commit, reads
 * them in chunks through stale-read queries (a few in flight, so the copy runs at disk and network
 * speed rather than at one round trip per chunk), writes them as a new store with {@link
 * CheckpointInstall}, and releases the leader's checkpoint. Logs its progress every few seconds.
 */
final class SnapshotCopy {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotCopy.class);
  // Below half a G1 region (1 MiB with -Xmx1g): larger arrays are "humongous", allocated and collected
  // one by one, and each chunk is copied several times between file and wire.
  static final int CHUNK_BYTES = 448 << 10;
  private static final int IN_FLIGHT = 6;
  private static final long PROGRESS_NANOS = 5_000_000_000L;

  /** What was copied: the store's position and the bytes. */
  record Copied(long index, long term, long bytes, int files) {}

  private record Pending(String name, long offset, CompletableFuture<ByteString> reply) {}

  private SnapshotCopy() {}

  static Copied copy(StemeStateMachine.LeaderLink link, RaftPeerId leader, Path storeFile, String node)
      throws IOException {
    SnapshotFilesReply listing = parse(link.query(leader, query(Query.newBuilder()
        .setSnapshotFiles(SnapshotFiles.getDefaultInstance()))).join(), SnapshotFilesReply.parser());
    long total = listing.getFilesList().stream().mapToLong(SnapshotFile::getSize).sum();
    LOG.info("{}: copying the store files of {} at index {}: {} files, {} MiB", node, leader,
        listing.getIndex(), listing.getFilesCount(), total >> 20);
    try (CheckpointInstall install = new CheckpointInstall(storeFile, listing.getFilesList().stream()
        .map(f -> new StoreCheckpoint.StoreFile(f.getName(), f.getSize())).toList())) {
      long copied = 0;
      long lastReport = System.nanoTime();
      Deque<Pending> inFlight = new ArrayDeque<>();
      for (SnapshotFile f : listing.getFilesList()) {
        for (long offset = 0; offset < f.getSize(); offset += CHUNK_BYTES) {
          inFlight.add(request(link, leader, listing.getCheckpoint(), f.getName(), offset));
          if (inFlight.size() >= IN_FLIGHT) {
            copied += writeNext(inFlight, install);
          }
          if (System.nanoTime() - lastReport > PROGRESS_NANOS) {
            lastReport = System.nanoTime();
            LOG.info("{}: snapshot copy from {}: {} of {} MiB ({}%)", node, leader, copied >> 20, total >> 20,
                total == 0 ? 100 : copied * 100 / total);
          }
        }
      }
      while (!inFlight.isEmpty()) {
        copied += writeNext(inFlight, install);
      }
      install.finish();
      return new Copied(listing.getIndex(), listing.getTerm(), copied, listing.getFilesCount());
    } finally {
      release(link, leader, listing.getCheckpoint());
    }
  }

  private static Pending request(StemeStateMachine.LeaderLink link, RaftPeerId leader, long checkpoint, String name,
      long offset) {
    SnapshotFileChunk chunk = SnapshotFileChunk.newBuilder().setCheckpoint(checkpoint).setName(name)
        .setOffset(offset).setMaxBytes(CHUNK_BYTES).build();
    return new Pending(name, offset, link.query(leader, query(Query.newBuilder().setSnapshotFileChunk(chunk))));
  }

  private static long writeNext(Deque<Pending> inFlight, CheckpointInstall install) throws IOException {
    Pending p = inFlight.removeFirst();
    com.google.protobuf.ByteString data = parse(p.reply().join(), SnapshotFileChunkReply.parser()).getData();
    if (data.isEmpty()) {
      throw new IOException("the leader sent no bytes of " + p.name() + " at " + p.offset());
    }
    install.write(p.name(), p.offset(), data.asReadOnlyByteBuffer());
    return data.size();
  }

  private static void release(StemeStateMachine.LeaderLink link, RaftPeerId leader, long checkpoint) {
    try {
      link.query(leader, query(Query.newBuilder().setSnapshotFiles(SnapshotFiles.newBuilder().setRelease(checkpoint))))
          .join();
    } catch (RuntimeException e) {
      LOG.warn("releasing snapshot {} on {} failed ({}); it releases itself after 10 idle minutes",
          checkpoint, leader, e.toString());
    }
  }

  private static Message query(Query.Builder q) {
    return Message.valueOf(UnsafeByteOperations.unsafeWrap(q.build().toByteArray()));
  }

  private static <T> T parse(ByteString bytes, com.google.protobuf.Parser<T> parser) {
    try {
      return parser.parseFrom(bytes.asReadOnlyByteBuffer());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("the leader answered a snapshot query with garbage", e);
    }
  }
}
