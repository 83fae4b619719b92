package io.stemedb.storage;

/**
 * A write to the store failed part-way (an I/O error: disk full, fsync failure). The in-memory view may
 * no longer match the file, so the store refuses further writes; reopening rolls the file back to its
 * last commit, and the Raft log replays the rest.
 */
public final class StoreFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreFailedException(String message) {
    super(message);
  }

  public StoreFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
