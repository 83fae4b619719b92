package io.stemedb.raft;

import io.stemedb.raft.proto.ExportChunk;
import io.stemedb.raft.proto.ExportChunkReply;
import io.stemedb.raft.proto.ExportedRecord;
import io.stemedb.raft.proto.Query;
import io.stemedb.storage.LogRecord;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * The leader's records, fetched chunk by chunk as they are consumed. The first chunk fixes the
 * leader's applied index (and its term) that bounds every later chunk, so the records form the
 * leader's exact state at that index even while it goes on applying.
 */
final class SnapshotPull implements Iterable<LogRecord> {
  private final StemeStateMachine.LeaderLink link;
  private final RaftPeerId leader;
  private final int chunk;
  private final Deque<LogRecord> buffered = new ArrayDeque<>();
  private long upToIndex;
  private long term;
  private long afterIndex;
  private int afterSeq = -1;
  private boolean exhausted;
  private long records;

  SnapshotPull(StemeStateMachine.LeaderLink link, RaftPeerId leader, int chunk) {
    this.link = link;
    this.leader = leader;
    this.chunk = chunk;
  }

  /** Fetches the first chunk if needed and returns the index every chunk is bounded by. */
  long upToIndexAfterFirstChunk() {
    if (upToIndex == 0 && !exhausted) {
      fetch();
    }
    return upToIndex;
  }

  long term() {
    return term;
  }

  long records() {
    return records;
  }

  private void fetch() {
    ExportChunk.Builder request =
        ExportChunk.newBuilder().setAfterIndex(afterIndex).setAfterSeq(afterSeq).setUpToIndex(upToIndex).setMaxRecords(chunk);
    Message q = Message.valueOf(UnsafeByteOperations.unsafeWrap(Query.newBuilder().setExportChunk(request).build().toByteArray()));
    ExportChunkReply reply;
    try {
      reply = ExportChunkReply.parseFrom(link.query(leader, q).join().asReadOnlyByteBuffer());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("the leader answered a snapshot chunk with garbage", e);
    }
    if (upToIndex == 0) {
      upToIndex = reply.getUpToIndex();
      term = reply.getTerm();
    }
    for (ExportedRecord r : reply.getRecordsList()) {
      buffered.add(new LogRecord(r.getIndex(), r.getSeq(), r.getContent().toByteArray()));
      afterIndex = r.getIndex();
      afterSeq = r.getSeq();
    }
    records += reply.getRecordsCount();
    exhausted = reply.getRecordsCount() < chunk;
  }

  @Override
  public Iterator<LogRecord> iterator() {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        if (buffered.isEmpty() && !exhausted) {
          fetch();
        }
        return !buffered.isEmpty();
      }

      @Override
      public LogRecord next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return buffered.poll();
      }
    };
  }
}
