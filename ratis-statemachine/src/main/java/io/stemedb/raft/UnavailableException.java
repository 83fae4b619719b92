package io.stemedb.raft;

/**
 * No leader or no quorum answered within the timeout (the API's 503). For a write the outcome is
 * unknown — it may still commit — and retrying is safe because every write is idempotent.
 */
public final class UnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
