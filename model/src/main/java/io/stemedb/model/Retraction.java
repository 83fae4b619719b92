package io.stemedb.model;

import java.util.Objects;

/**
 * An agent withdrawing its claim. The claim stays in history but leaves the candidate set of reads at
 * or after {@code index}.
 *
 * @param forced an admin retracted a claim of another agent
 */
public record Retraction(String assertionId, String agent, boolean forced, long index)
    implements StoredRecord {
  public Retraction {
    Objects.requireNonNull(assertionId, "assertionId");
    Objects.requireNonNull(agent, "agent");
  }

  @Override
  public String type() {
    return "retraction";
  }
}
