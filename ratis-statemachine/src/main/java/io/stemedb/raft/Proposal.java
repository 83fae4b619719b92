package io.stemedb.raft;

import io.stemedb.storage.Change;
import java.util.Objects;

/**
 * One change as a client proposes it. A claim may leave {@code observedAt} out; the leader fills it
 * from its own clock before the entry is appended, so every replica applies the same value.
 */
public sealed interface Proposal {

  /**
   * @param value any JSON text; the leader stores its RFC 8785 canonical form
   * @param observedAt epoch milliseconds, or {@code null} for "now, on the leader's clock"
   * @param source optional provenance, {@code null} when absent
   */
  record Claim(
      String subject,
      String predicate,
      String value,
      String agent,
      double confidence,
      Long observedAt,
      String source)
      implements Proposal {
    public Claim {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(predicate, "predicate");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(agent, "agent");
    }
  }

  /** Anything but a claim (retraction, vote, agent setting, epoch opening) needs no leader defaults. */
  record Other(Change change) implements Proposal {
    public Other {
      Objects.requireNonNull(change, "change");
      if (change instanceof Change.AddClaim) {
        throw new IllegalArgumentException("propose claims as Proposal.Claim");
      }
    }
  }
}
