package io.stemedb.model;

import java.util.Objects;

/**
 * An admin's setting of an agent's authority, effective for reads at or after {@code index}.
 *
 * @param authority a number >= 0
 * @param description free text, never {@code null} (empty when not given)
 */
public record AgentSetting(String agent, double authority, String description, long index)
    implements StoredRecord {
  public AgentSetting {
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(description, "description");
    if (!(authority >= 0) || Double.isInfinite(authority)) {
      throw new IllegalArgumentException("authority must be a finite number >= 0: " + authority);
    }
  }

  /** True when applying this setting over {@code current} changes nothing (the contract's 200 no-op). */
  public boolean sameAs(AgentSetting current) {
    return current != null
        && agent.equals(current.agent)
        && Double.compare(authority, current.authority) == 0
        && description.equals(current.description);
  }

  @Override
  public String type() {
    return "agent";
  }
}
