package io.stemedb.model;

import java.util.Objects;

/**
 * The start of a new epoch for one subject, or for every subject when {@code subject} is
 * {@link #ALL_SUBJECTS}. Claims on that subject applied after {@code index} belong to the next epoch.
 *
 * @param requestId the client's idempotency key, or {@code null}: opening an epoch is the one write
 *     that is not idempotent by its content, so a retry carrying the same key opens nothing more
 */
public record EpochOpening(String subject, String reason, String requestId, long index)
    implements StoredRecord {
  public static final String ALL_SUBJECTS = "*";

  public EpochOpening {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(reason, "reason");
  }

  /** An opening without an idempotency key. */
  public EpochOpening(String subject, String reason, long index) {
    this(subject, reason, null, index);
  }

  public boolean appliesTo(String otherSubject) {
    return subject.equals(ALL_SUBJECTS) || subject.equals(otherSubject);
  }

  @Override
  public String type() {
    return "epoch";
  }
}
