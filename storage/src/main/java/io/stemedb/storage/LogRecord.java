package io.stemedb.storage;

import io.stemedb.model.StoredRecord;

/**
 * A record as it sits in the store's log: its position and its encoded content. Snapshots and backups
 * move these, so a restored store has the same positions, indexes and Merkle tree as its source.
 */
public record LogRecord(long index, int seq, byte[] content) {
  public LogRecord {
    content = content.clone();
  }

  /** {@code record} at its index, {@code seq}-th in its log entry, in the store's encoding. */
  public static LogRecord of(StoredRecord record, int seq) {
    return new LogRecord(record.index(), seq, RecordCodec.encode(record));
  }

  /** The record this holds, at its index. */
  public StoredRecord record() {
    return RecordCodec.decode(content, index);
  }

  @Override
  public byte[] content() {
    return content.clone();
  }
}
