package io.stemedb.model;

import java.util.Objects;

/**
 * An agent endorsing or disputing another agent's claim. A later vote (higher {@code index}) by the
 * same agent on the same claim replaces the earlier one; storage keeps both so that reads as of an
 * earlier index see the earlier vote.
 */
public record Vote(String assertionId, String agent, Stance stance, long index)
    implements StoredRecord {
  public Vote {
    Objects.requireNonNull(assertionId, "assertionId");
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(stance, "stance");
  }

  @Override
  public String type() {
    return "vote";
  }
}
