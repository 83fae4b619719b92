package io.stemedb.storage;

import io.stemedb.model.Assertion;
import io.stemedb.model.Stance;
import java.util.Objects;

/**
 * One requested change to the state. A request is a list of changes applied all-or-nothing; a log
 * entry carries one or more requests. Changes carry no log position: the store assigns index and epoch
 * when it applies them, so the same request gives the same state on every replica.
 */
public sealed interface Change {

  /** Add a claim; {@code claim.index()} and {@code claim.epoch()} are ignored. */
  record AddClaim(Assertion claim) implements Change {
    public AddClaim {
      Objects.requireNonNull(claim, "claim");
    }
  }

  /** Withdraw a claim; {@code forced} when an admin retracts another agent's claim. */
  record Retract(String assertionId, String agent, boolean forced) implements Change {
    public Retract {
      Objects.requireNonNull(assertionId, "assertionId");
      Objects.requireNonNull(agent, "agent");
    }
  }

  record CastVote(String assertionId, String agent, Stance stance) implements Change {
    public CastVote {
      Objects.requireNonNull(assertionId, "assertionId");
      Objects.requireNonNull(agent, "agent");
      Objects.requireNonNull(stance, "stance");
    }
  }

  record SetAgent(String agent, double authority, String description) implements Change {
    public SetAgent {
      Objects.requireNonNull(agent, "agent");
      Objects.requireNonNull(description, "description");
    }
  }

  /**
   * Open the next epoch for {@code subject}, or for every subject when it is {@code *}. With a
   * {@code requestId}, a second opening with the same subject and id is a no-op (a client's retry).
   */
  record OpenEpoch(String subject, String reason, String requestId) implements Change {
    public OpenEpoch {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(reason, "reason");
    }

    public OpenEpoch(String subject, String reason) {
      this(subject, reason, null);
    }
  }

  /**
   * One record of another store's history, replayed by an import: a vote, an agent setting or an
   * epoch opening, which — unlike claims and retractions — are not idempotent by their content (an
   * agent may endorse, dispute, then endorse again). {@code ordinal} numbers the record within its
   * history (votes of one agent on one claim, settings of one agent, openings of one subject), from 1;
   * the record applies only when the store holds exactly {@code ordinal - 1} of that history, so
   * importing the same file twice changes nothing.
   */
  record ImportRecord(io.stemedb.model.StoredRecord record, long ordinal) implements Change {
    public ImportRecord {
      Objects.requireNonNull(record, "record");
      if (!(record instanceof io.stemedb.model.Vote
          || record instanceof io.stemedb.model.AgentSetting
          || record instanceof io.stemedb.model.EpochOpening)) {
        throw new IllegalArgumentException("claims and retractions import as AddClaim and Retract");
      }
      if (ordinal < 1) {
        throw new IllegalArgumentException("ordinal must be >= 1: " + ordinal);
      }
    }
  }
}
