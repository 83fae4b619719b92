package io.stemedb.storage;

/**
 * The store's files hold something this code did not write. The node must stop serving from this
 * replica; the runbook's repair is to rebuild it from a snapshot of the leader.
 */
public final class CorruptStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CorruptStoreException(String message) {
    super(message);
  }

  public CorruptStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
