package io.stemedb.model;

import java.util.Objects;

/**
 * The start of a new epoch for one subject, or for every subject when {@code subject} is
 * {@link #ALL_SUBJECTS}. Claims on that subject applied after {@code index} belong to the next epoch.
 */
public record EpochOpening(String subject, String reason, long index) implements StoredRecord {
  public static final String ALL_SUBJECTS = "*";

  public EpochOpening {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(reason, "reason");
  }

  public boolean appliesTo(String otherSubject) {
    return subject.equals(ALL_SUBJECTS) || subject.equals(otherSubject);
  }

  @Override
  public String type() {
    return "epoch";
  }
}
