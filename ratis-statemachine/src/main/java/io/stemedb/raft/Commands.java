package io.stemedb.raft;

import io.stemedb.model.Assertion;
import io.stemedb.model.CanonicalJson;
import io.stemedb.model.Stance;
import io.stemedb.raft.proto.AgentUpdate;
import io.stemedb.raft.proto.Claim;
import io.stemedb.raft.proto.EntryReply;
import io.stemedb.raft.proto.EpochOpen;
import io.stemedb.raft.proto.ImportedRecord;
import io.stemedb.raft.proto.LogEntry;
import io.stemedb.raft.proto.Request;
import io.stemedb.raft.proto.RequestReply;
import io.stemedb.raft.proto.Retraction;
import io.stemedb.raft.proto.VoteCast;
import io.stemedb.storage.ApplyResult;
import io.stemedb.storage.Change;
import io.stemedb.storage.Outcome;
import java.util.ArrayList;
import java.util.List;

/**
 * Translation between the Raft log's Protobuf schema ({@code commands.proto}) and the storage's
 * {@link Change}s and {@link Outcome}s. The three steps of a write each have one method here:
 * {@link #encodeProposal} on the node that received it, {@link #completeOnLeader} in the leader's
 * {@code startTransaction}, {@link #decodeEntry} in every replica's {@code applyTransaction}.
 */
final class Commands {
  private Commands() {}

  /** A client's requests as the proposal sent to the leader (claims may lack id and observedAt). */
  static LogEntry encodeProposal(List<List<Proposal>> requests) {
    LogEntry.Builder entry = LogEntry.newBuilder();
    for (List<Proposal> request : requests) {
      entry.addRequests(encodeRequest(request));
    }
    return entry.build();
  }

  /** One client request, as it travels inside a proposal. */
  static Request encodeRequest(List<Proposal> request) {
    Request.Builder r = Request.newBuilder();
    for (Proposal p : request) {
      io.stemedb.raft.proto.Change.Builder c = r.addChangesBuilder();
      if (p instanceof Proposal.Claim claim) {
        Claim.Builder b =
            c.getClaimBuilder()
                .setSubject(claim.subject())
                .setPredicate(claim.predicate())
                .setValue(claim.value())
                .setAgent(claim.agent())
                .setConfidence(claim.confidence());
        if (claim.observedAt() != null) {
          b.setObservedAtMs(claim.observedAt());
        }
        if (claim.source() != null) {
          b.setSource(claim.source());
        }
      } else {
        encodeOther(((Proposal.Other) p).change(), c);
      }
    }
    return r.build();
  }

  /**
   * The leader's part, before the entry is appended: every default that must be equal on all
   * replicas is filled here (observedAt from the leader's clock, the canonical value, the content id),
   * and every claim is checked, so that an invalid proposal never enters the log. When some requests
   * of a group-committed entry fail, only they are refused ({@code Request.refused}); the others go on.
   *
   * @throws IllegalArgumentException naming the request, change and rule when no request is valid
   */
  static LogEntry completeOnLeader(LogEntry proposal, long nowMillis) {
    LogEntry.Builder entry = LogEntry.newBuilder().setMerkleCheckpoint(proposal.getMerkleCheckpoint())
        .setReadBarrier(proposal.getReadBarrier());
    IllegalArgumentException firstFailure = null;
    for (int r = 0; r < proposal.getRequestsCount(); r++) {
      try {
        entry.addRequests(completeRequest(proposal.getRequests(r), nowMillis));
      } catch (IllegalArgumentException e) {
        String reason = (proposal.getRequestsCount() > 1 ? "request " + r + ", " : "") + e.getMessage();
        firstFailure = firstFailure == null ? new IllegalArgumentException(reason, e) : firstFailure;
        entry.addRequests(Request.newBuilder().setRefused(e.getMessage()));
      }
    }
    if (firstFailure != null && entry.getRequestsList().stream().allMatch(r -> !r.getRefused().isEmpty())) {
      throw firstFailure;
    }
    return entry.build();
  }

  /** {@link #completeOnLeader} for one request; the message names the change and the rule. */
  static Request completeRequest(Request proposed, long nowMillis) {
    if (!proposed.getRefused().isEmpty()) {
      throw new IllegalArgumentException(proposed.getRefused());
    }
    if (proposed.getChangesCount() == 0) {
      throw new IllegalArgumentException("the request has no changes");
    }
    Request.Builder request = proposed.toBuilder();
    for (int c = 0; c < request.getChangesCount(); c++) {
      io.stemedb.raft.proto.Change.Builder change = request.getChangesBuilder(c);
      if (change.getKindCase() == io.stemedb.raft.proto.Change.KindCase.KIND_NOT_SET) {
        throw new IllegalArgumentException("change " + c + " is empty");
      }
      if (!change.hasClaim()) {
        continue;
      }
      Claim.Builder claim = change.getClaimBuilder();
      try {
        if (!claim.hasObservedAtMs()) {
          claim.setObservedAtMs(nowMillis);
        }
        claim.setValue(CanonicalJson.canonicalize(claim.getValue()));
        String proposedId = proposed.getChanges(c).getClaim().getId();
        Assertion computed = toAssertion(claim.setId("").build(), true);
        if (!proposedId.isEmpty() && !proposedId.equals(computed.id())) {
          throw new IllegalArgumentException("id is not the content address of the claim");
        }
        claim.setId(computed.id());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("change " + c + ": " + e.getMessage(), e);
      }
    }
    return request.build();
  }

  /**
   * A committed entry as storage requests. A request the leader refused, or that cannot be decoded
   * (only a broken leader writes one), becomes an empty request with its reason in {@code refusals}.
   */
  record Decoded(List<List<Change>> requests, List<String> refusals) {}

  static Decoded decodeEntry(LogEntry entry) {
    List<List<Change>> requests = new ArrayList<>(entry.getRequestsCount());
    List<String> refusals = new ArrayList<>(entry.getRequestsCount());
    for (Request request : entry.getRequestsList()) {
      if (!request.getRefused().isEmpty()) {
        requests.add(List.of());
        refusals.add(request.getRefused());
        continue;
      }
      try {
        List<Change> changes = new ArrayList<>(request.getChangesCount());
        for (io.stemedb.raft.proto.Change c : request.getChangesList()) {
          changes.add(decodeChange(c));
        }
        requests.add(changes);
        refusals.add(null);
      } catch (RuntimeException e) {
        requests.add(List.of()); // apply stays total
        refusals.add("the request could not be decoded: " + e.getMessage());
      }
    }
    return new Decoded(requests, refusals);
  }

  private static Change decodeChange(io.stemedb.raft.proto.Change c) {
    switch (c.getKindCase()) {
      case CLAIM:
        return new Change.AddClaim(toAssertion(c.getClaim(), false));
      case RETRACTION:
        Retraction r = c.getRetraction();
        return new Change.Retract(r.getAssertionId(), r.getAgent(), r.getForced());
      case VOTE:
        VoteCast v = c.getVote();
        return new Change.CastVote(
            v.getAssertionId(), v.getAgent(),
            v.getStance() == VoteCast.Stance.DISPUTE ? Stance.DISPUTE : Stance.ENDORSE);
      case AGENT:
        AgentUpdate a = c.getAgent();
        return new Change.SetAgent(a.getAgent(), a.getAuthority(), a.getDescription());
      case EPOCH:
        EpochOpen e = c.getEpoch();
        return new Change.OpenEpoch(e.getSubject(), e.getReason(), e.hasRequestId() ? e.getRequestId() : null);
      case IMPORTED:
        return new Change.ImportRecord(importedRecord(c.getImported()), c.getImported().getOrdinal());
      default:
        throw new IllegalArgumentException("empty change");
    }
  }

  private static io.stemedb.model.StoredRecord importedRecord(ImportedRecord i) {
    switch (i.getRecordCase()) {
      case VOTE:
        Change.CastVote v = (Change.CastVote) decodeChange(io.stemedb.raft.proto.Change.newBuilder().setVote(i.getVote()).build());
        return new io.stemedb.model.Vote(v.assertionId(), v.agent(), v.stance(), 0);
      case AGENT:
        AgentUpdate a = i.getAgent();
        return new io.stemedb.model.AgentSetting(a.getAgent(), a.getAuthority(), a.getDescription(), 0);
      case EPOCH:
        EpochOpen e = i.getEpoch();
        return new io.stemedb.model.EpochOpening(e.getSubject(), e.getReason(), e.hasRequestId() ? e.getRequestId() : null, 0);
      default:
        throw new IllegalArgumentException("empty imported record");
    }
  }

  /** With {@code computeId}, the id is derived from the content (leader); else taken as logged. */
  private static Assertion toAssertion(Claim c, boolean computeId) {
    if (!c.hasObservedAtMs()) {
      throw new IllegalArgumentException("observedAt missing");
    }
    String source = c.hasSource() ? c.getSource() : null;
    Assertion a =
        Assertion.claim(
            c.getSubject(), c.getPredicate(), c.getValue(), c.getAgent(), c.getConfidence(),
            c.getObservedAtMs(), source);
    if (computeId) {
      return a;
    }
    return new Assertion(
        c.getId(), a.subject(), a.predicate(), a.value(), a.agent(), a.confidence(),
        a.observedAt(), a.source(), 0, 0);
  }

  private static void encodeOther(Change change, io.stemedb.raft.proto.Change.Builder c) {
    if (change instanceof Change.Retract r) {
      c.setRetraction(
          Retraction.newBuilder().setAssertionId(r.assertionId()).setAgent(r.agent()).setForced(r.forced()));
    } else if (change instanceof Change.CastVote v) {
      c.setVote(
          VoteCast.newBuilder()
              .setAssertionId(v.assertionId())
              .setAgent(v.agent())
              .setStance(v.stance() == Stance.DISPUTE ? VoteCast.Stance.DISPUTE : VoteCast.Stance.ENDORSE));
    } else if (change instanceof Change.SetAgent s) {
      c.setAgent(
          AgentUpdate.newBuilder().setAgent(s.agent()).setAuthority(s.authority()).setDescription(s.description()));
    } else if (change instanceof Change.OpenEpoch e) {
      EpochOpen.Builder epoch = EpochOpen.newBuilder().setSubject(e.subject()).setReason(e.reason());
      if (e.requestId() != null) {
        epoch.setRequestId(e.requestId());
      }
      c.setEpoch(epoch);
    } else if (change instanceof Change.ImportRecord i) {
      io.stemedb.raft.proto.Change.Builder inner = io.stemedb.raft.proto.Change.newBuilder();
      ImportedRecord.Builder imported = ImportedRecord.newBuilder().setOrdinal(i.ordinal());
      if (i.record() instanceof io.stemedb.model.Vote v) {
        encodeOther(new Change.CastVote(v.assertionId(), v.agent(), v.stance()), inner);
        imported.setVote(inner.getVote());
      } else if (i.record() instanceof io.stemedb.model.AgentSetting s) {
        encodeOther(new Change.SetAgent(s.agent(), s.authority(), s.description()), inner);
        imported.setAgent(inner.getAgent());
      } else {
        io.stemedb.model.EpochOpening e = (io.stemedb.model.EpochOpening) i.record();
        encodeOther(new Change.OpenEpoch(e.subject(), e.reason(), e.requestId()), inner);
        imported.setEpoch(inner.getEpoch());
      }
      c.setImported(imported);
    } else {
      throw new IllegalArgumentException("unexpected change " + change);
    }
  }

  /** The state machine's answer, aligned with the entry's requests. */
  static EntryReply encodeReply(ApplyResult result) {
    EntryReply.Builder reply = EntryReply.newBuilder();
    for (List<Outcome> request : result.requests()) {
      RequestReply.Builder r = reply.addRequestsBuilder();
      for (Outcome o : request) {
        r.addOutcomesBuilder()
            .setStatus(io.stemedb.raft.proto.Outcome.Status.forNumber(o.status().ordinal()))
            .setIndex(o.index())
            .setEpoch(o.epoch())
            .setMessage(o.message() == null ? "" : o.message())
            .setId(o.id() == null ? "" : o.id());
      }
    }
    return reply.build();
  }

  static List<List<Outcome>> decodeReply(EntryReply reply) {
    List<List<Outcome>> out = new ArrayList<>(reply.getRequestsCount());
    for (RequestReply r : reply.getRequestsList()) {
      List<Outcome> outcomes = new ArrayList<>(r.getOutcomesCount());
      for (io.stemedb.raft.proto.Outcome o : r.getOutcomesList()) {
        outcomes.add(
            new Outcome(
                Outcome.Status.values()[o.getStatusValue()], o.getIndex(), o.getEpoch(),
                o.getMessage().isEmpty() ? null : o.getMessage(), o.getId().isEmpty() ? null : o.getId()));
      }
      out.add(outcomes);
    }
    return out;
  }
}
