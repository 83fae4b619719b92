package io.stemedb.storage;

import io.stemedb.model.AgentSetting;
import io.stemedb.model.Assertion;
import io.stemedb.model.AssertionId;
import io.stemedb.model.EpochOpening;
import io.stemedb.model.Retraction;
import io.stemedb.model.StoredRecord;
import io.stemedb.model.Vote;
import io.stemedb.storage.Change.AddClaim;
import io.stemedb.storage.Change.CastVote;
import io.stemedb.storage.Change.OpenEpoch;
import io.stemedb.storage.Change.Retract;
import io.stemedb.storage.Change.SetAgent;
import io.stemedb.storage.Outcome.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides, without writing, what each change of one request does against the store plus the earlier
 * changes of the same request (so a claim repeated in a batch is a duplicate of its first copy, and a
 * vote may follow the claim it votes on). Every rule about whether a write applies lives here; the
 * store only writes the records a fully accepted plan produced.
 */
final class RequestPlan {
  private static final long LATEST = Long.MAX_VALUE;

  private final Store store;
  private final long index;
  private final List<StoredRecord> records = new ArrayList<>();
  private final Map<String, Assertion> newClaims = new HashMap<>();
  private final Map<String, Retraction> newRetractions = new HashMap<>();
  private final Map<String, Vote> newVotes = new HashMap<>();
  private final Map<String, AgentSetting> newAgents = new HashMap<>();
  private final Map<String, Long> newOpenings = new HashMap<>();
  private final Map<String, EpochOpening> newEpochRequests = new HashMap<>();
  private final Map<String, Long> importedHere = new HashMap<>();

  RequestPlan(Store store, long index) {
    this.store = store;
    this.index = index;
  }

  /** The records to write, in order, if no change of the request was rejected. */
  List<StoredRecord> records() {
    return records;
  }

  Outcome plan(Change change) {
    if (change instanceof AddClaim c) {
      return addClaim(c.claim()).about(c.claim().id());
    } else if (change instanceof Retract r) {
      return retract(r);
    } else if (change instanceof CastVote v) {
      return vote(v);
    } else if (change instanceof SetAgent s) {
      return setAgent(s);
    } else if (change instanceof Change.ImportRecord i) {
      return importRecord(i);
    } else {
      return openEpoch((OpenEpoch) change);
    }
  }

  private Outcome addClaim(Assertion claim) {
    if (hasNul(claim.subject(), claim.predicate(), claim.agent())) {
      return invalid("subject, predicate and agent must not contain NUL");
    }
    String expected =
        AssertionId.of(
            claim.subject(), claim.predicate(), claim.value(), claim.agent(), claim.observedAt());
    if (!expected.equals(claim.id())) {
      return invalid("id " + claim.id() + " is not the content address of the claim");
    }
    Optional<Assertion> existing = findClaim(claim.id());
    if (existing.isPresent()) {
      Assertion original = existing.get();
      if (original.conflictsWith(claim)) {
        return Outcome.rejected(
            Status.CONFLICT,
            "claim " + claim.id() + " exists with confidence " + original.confidence()
                + " and source " + original.source());
      }
      return Outcome.unchanged(original.index(), original.epoch());
    }
    long epoch =
        store.epoch(claim.subject(), LATEST)
            + newOpenings.getOrDefault(claim.subject(), 0L)
            + newOpenings.getOrDefault(EpochOpening.ALL_SUBJECTS, 0L);
    Assertion applied = claim.at(index, epoch);
    newClaims.put(applied.id(), applied);
    records.add(applied);
    return Outcome.created(index, epoch);
  }

  private Outcome retract(Retract r) {
    Optional<Assertion> claim = findClaim(r.assertionId());
    if (claim.isEmpty()) {
      return notFound(r.assertionId());
    }
    // Ownership first: a non-owner learns nothing about whether the claim was already retracted.
    if (!r.forced() && !claim.get().agent().equals(r.agent())) {
      return Outcome.rejected(
          Status.FORBIDDEN, "only " + claim.get().agent() + " (or an admin) may retract this claim");
    }
    if (hasNul(r.agent())) {
      return invalid("agent must not contain NUL");
    }
    Retraction earlier = newRetractions.get(r.assertionId());
    if (earlier == null) {
      earlier = store.retraction(r.assertionId()).orElse(null);
    }
    if (earlier != null) {
      return Outcome.unchanged(earlier.index(), 0);
    }
    Retraction applied = new Retraction(r.assertionId(), r.agent(), r.forced(), index);
    newRetractions.put(r.assertionId(), applied);
    records.add(applied);
    return Outcome.created(index, 0);
  }

  private Outcome vote(CastVote v) {
    Optional<Assertion> claim = findClaim(v.assertionId());
    if (claim.isEmpty()) {
      return notFound(v.assertionId());
    }
    if (claim.get().agent().equals(v.agent())) {
      return invalid("an agent cannot vote on its own claim");
    }
    if (hasNul(v.agent())) {
      return invalid("agent must not contain NUL");
    }
    String key = v.assertionId() + "\0" + v.agent();
    Vote current = newVotes.get(key);
    if (current == null) {
      current = store.latestVote(v.assertionId(), v.agent()).orElse(null);
    }
    if (current != null && current.stance() == v.stance()) {
      return Outcome.unchanged(current.index(), 0);
    }
    Vote applied = new Vote(v.assertionId(), v.agent(), v.stance(), index);
    newVotes.put(key, applied);
    records.add(applied);
    return Outcome.created(index, 0);
  }

  private Outcome setAgent(SetAgent s) {
    if (!(s.authority() >= 0) || Double.isInfinite(s.authority())) {
      return invalid("authority must be a finite number >= 0");
    }
    if (hasNul(s.agent())) {
      return invalid("agent must not contain NUL");
    }
    AgentSetting wanted = new AgentSetting(s.agent(), s.authority(), s.description(), index);
    AgentSetting current = newAgents.get(s.agent());
    if (current == null) {
      current = store.agent(s.agent(), LATEST).orElse(null);
    }
    if (wanted.sameAs(current)) {
      return Outcome.unchanged(current.index(), 0);
    }
    newAgents.put(s.agent(), wanted);
    records.add(wanted);
    return Outcome.created(index, 0);
  }

  private Outcome openEpoch(OpenEpoch e) {
    if (hasNul(e.subject()) || (e.requestId() != null && hasNul(e.requestId()))) {
      return invalid("subject and request id must not contain NUL");
    }
    if (e.requestId() != null) {
      EpochOpening earlier = newEpochRequests.get(e.subject() + "\0" + e.requestId());
      if (earlier == null) {
        earlier = store.epochOpening(e.subject(), e.requestId()).orElse(null);
      }
      if (earlier != null) {
        // A retry: report the epoch that the original opening started, change nothing.
        return Outcome.unchanged(earlier.index(), store.epoch(e.subject(), earlier.index()));
      }
    }
    newOpenings.merge(e.subject(), 1L, Long::sum);
    EpochOpening opening = new EpochOpening(e.subject(), e.reason(), e.requestId(), index);
    if (e.requestId() != null) {
      newEpochRequests.put(e.subject() + "\0" + e.requestId(), opening);
    }
    records.add(opening);
    long star =
        store.openings(EpochOpening.ALL_SUBJECTS, LATEST)
            + newOpenings.getOrDefault(EpochOpening.ALL_SUBJECTS, 0L);
    long epoch =
        e.subject().equals(EpochOpening.ALL_SUBJECTS)
            ? star
            : store.openings(e.subject(), LATEST) + newOpenings.get(e.subject()) + star;
    return Outcome.created(index, epoch);
  }

  /**
   * A record of an exported history: a duplicate when the store already holds {@code ordinal}
   * records of its history, applied as it was when it holds one fewer, refused when earlier ones
   * are missing (the file is out of order or partial).
   */
  private Outcome importRecord(Change.ImportRecord i) {
    StoredRecord r = i.record();
    String history;
    long held;
    if (r instanceof Vote v) {
      if (hasNul(v.agent())) {
        return invalid("agent must not contain NUL");
      }
      Optional<Assertion> claim = findClaim(v.assertionId());
      if (claim.isEmpty()) {
        return notFound(v.assertionId());
      }
      if (claim.get().agent().equals(v.agent())) {
        return invalid("an agent cannot vote on its own claim");
      }
      history = "vote\0" + v.assertionId() + "\0" + v.agent();
      held = store.votes(v.assertionId()).stream().filter(x -> x.agent().equals(v.agent())).count();
    } else if (r instanceof AgentSetting s) {
      if (hasNul(s.agent())) {
        return invalid("agent must not contain NUL");
      }
      history = "agent\0" + s.agent();
      held = store.agentHistory(s.agent(), LATEST).size();
    } else {
      EpochOpening e = (EpochOpening) r;
      if (hasNul(e.subject()) || (e.requestId() != null && hasNul(e.requestId()))) {
        return invalid("subject and request id must not contain NUL");
      }
      history = "epoch\0" + e.subject();
      held = store.openings(e.subject(), LATEST);
    }
    held += importedHere.getOrDefault(history, 0L);
    if (i.ordinal() <= held) {
      return Outcome.unchanged(index, 0);
    }
    if (i.ordinal() > held + 1) {
      return invalid("this is record " + i.ordinal() + " of its history but the store holds " + held
          + "; import the earlier ones first");
    }
    importedHere.merge(history, 1L, Long::sum);
    if (r instanceof Vote v) {
      records.add(new Vote(v.assertionId(), v.agent(), v.stance(), index));
      return Outcome.created(index, 0);
    } else if (r instanceof AgentSetting s) {
      records.add(new AgentSetting(s.agent(), s.authority(), s.description(), index));
      return Outcome.created(index, 0);
    }
    EpochOpening e = (EpochOpening) r;
    return openEpoch(new OpenEpoch(e.subject(), e.reason(), e.requestId()));
  }

  private Optional<Assertion> findClaim(String id) {
    Assertion pending = newClaims.get(id);
    return pending != null ? Optional.of(pending) : store.claim(id);
  }

  private static boolean hasNul(String... values) {
    for (String v : values) {
      if (Keys.hasNul(v)) {
        return true;
      }
    }
    return false;
  }

  private static Outcome invalid(String message) {
    return Outcome.rejected(Status.INVALID, message);
  }

  private static Outcome notFound(String id) {
    return Outcome.rejected(Status.NOT_FOUND, "no claim with id " + id);
  }
}
