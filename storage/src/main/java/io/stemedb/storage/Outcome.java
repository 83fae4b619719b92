package io.stemedb.storage;

/**
 * What applying one change did, for the caller that proposed it.
 *
 * @param status what happened
 * @param index for CREATED the applying index; for UNCHANGED the index of the original record
 * @param epoch for claims the claim's epoch; for epoch openings the subject's new epoch (for {@code *}:
 *     how many {@code *} openings there have been); 0 otherwise
 * @param message for rejections, what was wrong, in words for the client
 * @param id for claims, the claim's content id (the leader may have filled its observedAt), else null
 */
public record Outcome(Status status, long index, long epoch, String message, String id) {

  public Outcome(Status status, long index, long epoch, String message) {
    this(status, index, epoch, message, null);
  }

  /** This outcome, about the claim {@code claimId}. */
  Outcome about(String claimId) {
    return new Outcome(status, index, epoch, message, claimId);
  }

  public enum Status {
    /** A new record was stored. */
    CREATED,
    /** Nothing changed: a duplicate claim, a repeated retraction, the same vote or agent setting. */
    UNCHANGED,
    /** Same claim id, different confidence or source. The whole request was not applied. */
    CONFLICT,
    /** The referenced claim does not exist. The whole request was not applied. */
    NOT_FOUND,
    /** Retraction by an agent that did not make the claim. The whole request was not applied. */
    FORBIDDEN,
    /** The change can never apply (e.g. voting on one's own claim). The whole request was not applied. */
    INVALID,
    /** Another change in the same request was rejected, so this one was not applied either. */
    ABORTED;

    public boolean rejected() {
      return this != CREATED && this != UNCHANGED;
    }
  }

  static Outcome created(long index, long epoch) {
    return new Outcome(Status.CREATED, index, epoch, null);
  }

  static Outcome unchanged(long originalIndex, long epoch) {
    return new Outcome(Status.UNCHANGED, originalIndex, epoch, null);
  }

  static Outcome rejected(Status status, String message) {
    return new Outcome(status, 0, 0, message);
  }

  static final Outcome ABORTED =
      new Outcome(Status.ABORTED, 0, 0, "not applied: another item of the request was rejected");

  /** This outcome as ABORTED (another change of its request was rejected), keeping its id. */
  Outcome aborted() {
    return new Outcome(Status.ABORTED, 0, 0, ABORTED.message, id);
  }
}
