package io.stemedb.raft;

/** The leader refused a proposal before it entered the log (the API's 400). Nothing was applied. */
public final class InvalidProposalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidProposalException(String message) {
    super(message);
  }
}
