package io.stemedb.storage;

/**
 * A record as it sits in the store's log: its position and its encoded content. Snapshots and backups
 * move these, so a restored store has the same positions, indexes and Merkle tree as its source.
 */
public record LogRecord(long index, int seq, byte[] content) {
  public LogRecord {
    content = content.clone();
  }

  @Override
  public byte[] content() {
    return content.clone();
  }
}
