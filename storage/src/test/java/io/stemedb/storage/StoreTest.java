package io.stemedb.storage;

import static io.stemedb.storage.Fixtures.add;
import static io.stemedb.storage.Fixtures.claim;
import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.model.AgentSetting;
import io.stemedb.model.Assertion;
import io.stemedb.model.Stance;
import io.stemedb.storage.Change.CastVote;
import io.stemedb.storage.Change.OpenEpoch;
import io.stemedb.storage.Change.Retract;
import io.stemedb.storage.Change.SetAgent;
import io.stemedb.storage.Outcome.Status;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
  @TempDir Path dir;
  Store store;

  @BeforeEach
  void open() {
    store = Store.open(dir.resolve("state.db"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void storesAClaimWithItsIndexAndEpochAndFindsItById() {
    Assertion a = claim("customer:42", "email", "\"a@b.com\"", "crm");
    List<Outcome> out = store.apply(5, 1, add(a)).only();

    assertThat(out).containsExactly(new Outcome(Status.CREATED, 5, 0, null, a.id()));
    assertThat(store.claim(a.id())).contains(a.at(5, 0));
    assertThat(store.appliedIndex()).isEqualTo(5);
    assertThat(store.appliedTerm()).isEqualTo(1);
  }

  @Test
  void aDuplicateClaimChangesNothingAndReportsTheOriginalIndex() {
    Assertion a = claim("customer:42", "email", "\"a@b.com\"", "crm");
    store.apply(1, 1, add(a));
    String root = store.merkle().root();

    List<Outcome> out = store.apply(2, 1, add(a)).only();

    assertThat(out).containsExactly(new Outcome(Status.UNCHANGED, 1, 0, null, a.id()));
    assertThat(store.merkle().root()).isEqualTo(root);
    assertThat(store.recordsAfter(0, 100)).hasSize(1);
  }

  @Test
  void aClaimRepeatedInsideOneBatchIsCreatedOnceAndTheLaterCopyIsUnchanged() {
    Assertion a = claim("s", "p", "1", "x");
    List<Outcome> out = store.apply(3, 1, add(a), add(a)).only();
    assertThat(out).extracting(Outcome::status).containsExactly(Status.CREATED, Status.UNCHANGED);
    assertThat(out).extracting(Outcome::index).containsExactly(3L, 3L);
  }

  @Test
  void aConflictRejectsTheWholeBatchAndWritesNothing() {
    Assertion a = claim("s", "p", "1", "x", 0.9, Fixtures.T0);
    store.apply(1, 1, add(a));
    String root = store.merkle().root();
    Assertion sameIdOtherConfidence = claim("s", "p", "1", "x", 0.5, Fixtures.T0);
    Assertion fresh = claim("s", "p", "2", "y");

    List<Outcome> out = store.apply(2, 1, add(fresh), add(sameIdOtherConfidence)).only();

    assertThat(out).extracting(Outcome::status).containsExactly(Status.ABORTED, Status.CONFLICT);
    assertThat(store.claim(fresh.id())).isEmpty();
    assertThat(store.merkle().root()).isEqualTo(root);
    assertThat(store.appliedIndex()).isEqualTo(2); // the entry itself was applied, as a no-op
  }

  @Test
  void aClaimWhoseIdIsNotItsContentAddressIsInvalid() {
    Assertion a = claim("s", "p", "1", "x");
    Assertion forged =
        new Assertion("0".repeat(64), a.subject(), a.predicate(), a.value(), a.agent(), 1, a.observedAt(), null, 0, 0);
    assertThat(store.apply(1, 1, add(forged)).only()).extracting(Outcome::status).containsExactly(Status.INVALID);
  }

  @Test
  void retractionRules() {
    Assertion a = claim("s", "p", "1", "owner");
    store.apply(1, 1, add(a));

    assertThat(status(2, new Retract("f".repeat(64), "owner", false))).isEqualTo(Status.NOT_FOUND);
    assertThat(status(3, new Retract(a.id(), "intruder", false))).isEqualTo(Status.FORBIDDEN);
    assertThat(status(4, new Retract(a.id(), "owner", false))).isEqualTo(Status.CREATED);
    // retracting again is a no-op pointing at the original; a non-owner still gets 403 first
    assertThat(store.apply(5, 1, new Retract(a.id(), "owner", false)).only())
        .containsExactly(new Outcome(Status.UNCHANGED, 4, 0, null));
    assertThat(status(6, new Retract(a.id(), "intruder", false))).isEqualTo(Status.FORBIDDEN);
    assertThat(store.retraction(a.id())).map(r -> r.index()).contains(4L);
  }

  @Test
  void anAdminMayForceARetractionOfAnyClaim() {
    Assertion a = claim("s", "p", "1", "owner");
    store.apply(1, 1, add(a));
    assertThat(status(2, new Retract(a.id(), "admin", true))).isEqualTo(Status.CREATED);
    assertThat(store.retraction(a.id()).orElseThrow().forced()).isTrue();
  }

  @Test
  void voteRules() {
    Assertion a = claim("s", "p", "1", "owner");
    store.apply(1, 1, add(a));

    assertThat(status(2, new CastVote(a.id(), "owner", Stance.ENDORSE))).isEqualTo(Status.INVALID);
    assertThat(status(3, new CastVote("e".repeat(64), "v", Stance.ENDORSE))).isEqualTo(Status.NOT_FOUND);
    assertThat(status(4, new CastVote(a.id(), "v", Stance.ENDORSE))).isEqualTo(Status.CREATED);
    assertThat(store.apply(5, 1, new CastVote(a.id(), "v", Stance.ENDORSE)).only())
        .containsExactly(new Outcome(Status.UNCHANGED, 4, 0, null));
    assertThat(status(6, new CastVote(a.id(), "v", Stance.DISPUTE))).isEqualTo(Status.CREATED);

    assertThat(store.votes(a.id())).extracting(v -> v.stance() + "@" + v.index())
        .containsExactly("ENDORSE@4", "DISPUTE@6");
    assertThat(store.latestVote(a.id(), "v").orElseThrow().stance()).isEqualTo(Stance.DISPUTE);
  }

  @Test
  void aVoteMayFollowItsClaimInTheSameBatch() {
    Assertion a = claim("s", "p", "1", "owner");
    List<Outcome> out = store.apply(1, 1, add(a), new CastVote(a.id(), "v", Stance.ENDORSE)).only();
    assertThat(out).extracting(Outcome::status).containsExactly(Status.CREATED, Status.CREATED);
  }

  @Test
  void agentSettingsKeepTheirHistoryForReadsAsOfAnIndex() {
    assertThat(status(1, new SetAgent("crm", 5, "the CRM"))).isEqualTo(Status.CREATED);
    assertThat(store.apply(2, 1, new SetAgent("crm", 5, "the CRM")).only())
        .containsExactly(new Outcome(Status.UNCHANGED, 1, 0, null));
    assertThat(status(3, new SetAgent("crm", 2, "the CRM"))).isEqualTo(Status.CREATED);
    assertThat(status(4, new SetAgent("web", -1, ""))).isEqualTo(Status.INVALID);

    assertThat(store.agent("crm", 2)).map(AgentSetting::authority).contains(5.0);
    assertThat(store.agent("crm", Long.MAX_VALUE)).map(AgentSetting::authority).contains(2.0);
    assertThat(store.agent("crm", 0)).isEmpty();
    assertThat(store.agent("web", Long.MAX_VALUE)).isEmpty();
    assertThat(store.agents(Long.MAX_VALUE)).extracting(AgentSetting::agent).containsExactly("crm");
  }

  @Test
  void epochsCountOpeningsForTheSubjectAndForAllSubjects() {
    Assertion before = claim("s", "p", "1", "x");
    store.apply(1, 1, add(before));
    assertThat(store.apply(2, 1, new OpenEpoch("s", "reset")).only().get(0).epoch()).isEqualTo(1);
    Assertion during = claim("s", "p", "2", "x");
    assertThat(store.apply(3, 1, add(during)).only().get(0).epoch()).isEqualTo(1);
    assertThat(store.apply(4, 1, new OpenEpoch("*", "migration")).only().get(0).epoch()).isEqualTo(1);
    assertThat(store.apply(5, 1, add(claim("s", "p", "3", "x"))).only().get(0).epoch()).isEqualTo(2);
    assertThat(store.apply(6, 1, add(claim("t", "p", "3", "x"))).only().get(0).epoch()).isEqualTo(1);

    assertThat(store.epoch("s", 1)).isZero();
    assertThat(store.epoch("s", 3)).isEqualTo(1);
    assertThat(store.epoch("s", Long.MAX_VALUE)).isEqualTo(2);
    assertThat(store.epoch("t", Long.MAX_VALUE)).isEqualTo(1);
    assertThat(store.epoch("*", Long.MAX_VALUE)).isEqualTo(1);
    assertThat(store.records("s", "p", 0, Long.MAX_VALUE).assertions()).containsExactly(before.at(1, 0));
    assertThat(store.records("s", "p", 1, Long.MAX_VALUE).assertions()).containsExactly(during.at(3, 1));
  }

  @Test
  void anEpochOpeningRetriedWithTheSameRequestIdOpensNothingMore() {
    assertThat(store.apply(1, 1, new OpenEpoch("s", "reset", "req-1")).only())
        .containsExactly(new Outcome(Status.CREATED, 1, 1, null));
    String root = store.merkle().root();
    assertThat(store.apply(2, 1, new OpenEpoch("s", "reset", "req-1")).only())
        .containsExactly(new Outcome(Status.UNCHANGED, 1, 1, null));
    assertThat(store.epoch("s", Long.MAX_VALUE)).isEqualTo(1);
    assertThat(store.merkle().root()).isEqualTo(root);
    // another key, or the same key for another subject, is another opening
    assertThat(store.apply(3, 1, new OpenEpoch("s", "reset", "req-2")).only().get(0).epoch()).isEqualTo(2);
    assertThat(store.apply(4, 1, new OpenEpoch("t", "reset", "req-1")).only().get(0).status()).isEqualTo(Status.CREATED);
    // without a key every opening counts
    store.apply(5, 1, new OpenEpoch("s", "again"));
    store.apply(6, 1, new OpenEpoch("s", "again"));
    assertThat(store.epoch("s", Long.MAX_VALUE)).isEqualTo(4);
  }

  @Test
  void recordsForALensIncludeRetractionsVotesAndTheAuthorityHistoryOfEveryAgentInvolved() {
    Assertion a = claim("s", "p", "1", "crm");
    Assertion b = claim("s", "p", "2", "web");
    store.apply(1, 1, add(a), add(b), add(claim("s", "q", "3", "crm")));
    store.apply(2, 1, new SetAgent("crm", 5, ""), new SetAgent("voter", 3, ""), new SetAgent("other", 9, ""));
    store.apply(3, 1, new CastVote(a.id(), "voter", Stance.DISPUTE), new Retract(b.id(), "web", false));

    var records = store.records("s", "p", 0, Long.MAX_VALUE);
    assertThat(records.assertions()).containsExactly(a.at(1, 0), b.at(1, 0));
    assertThat(records.retractions()).singleElement().satisfies(r -> assertThat(r.assertionId()).isEqualTo(b.id()));
    assertThat(records.votes()).singleElement().satisfies(v -> assertThat(v.agent()).isEqualTo("voter"));
    assertThat(records.agentSettings()).extracting(AgentSetting::agent).containsExactlyInAnyOrder("crm", "voter");

    var asOf2 = store.records("s", "p", 0, 2);
    assertThat(asOf2.votes()).isEmpty();
    assertThat(asOf2.retractions()).isEmpty();
    assertThat(store.records("s", "p", 0, 0).assertions()).isEmpty();
  }

  @Test
  void predicatesHistoryAndTheLogAreServedInIndexOrder() {
    store.apply(1, 1, add(claim("s", "b", "1", "x")), add(claim("s", "a", "1", "x")), add(claim("s2", "a", "1", "x")));
    store.apply(2, 1, add(claim("s", "a", "2", "x")));
    store.apply(3, 1, new OpenEpoch("s", ""));
    store.apply(4, 1, add(claim("s", "c", "2", "x")));

    assertThat(store.predicates("s", 0, Long.MAX_VALUE)).containsExactly("a", "b");
    assertThat(store.predicates("s", 1, Long.MAX_VALUE)).containsExactly("c");
    assertThat(store.predicates("s", 1, 3)).isEmpty();
    assertThat(store.history("s", null, 0, 10)).extracting(Assertion::index).containsExactly(1L, 1L, 2L, 4L);
    assertThat(store.history("s", "a", 1, 10)).extracting(Assertion::value).containsExactly("2");
    assertThat(store.history("s", null, 0, 2)).hasSize(2);
    assertThat(store.recordsAfter(2, 10)).extracting(r -> r.type() + "@" + r.index())
        .containsExactly("epoch@3", "assertion@4");
  }

  @Test
  void replayedEntriesAtOrBelowTheAppliedIndexAreSkipped() {
    store.apply(7, 1, add(claim("s", "p", "1", "x")));
    ApplyResult replay = store.apply(7, 1, add(claim("s", "p", "2", "x")));
    assertThat(replay.alreadyApplied()).isTrue();
    assertThat(store.recordsAfter(0, 10)).hasSize(1);
  }

  @Test
  void theIncrementalMerkleRootEqualsOneRecomputedFromTheRecords() {
    store.apply(1, 1, Fixtures.batch("m", 0, 300).toArray(Change[]::new));
    Assertion a = claim("s", "p", "1", "x");
    store.apply(2, 1, add(a), new SetAgent("x", 2, ""), new OpenEpoch("*", ""));
    store.apply(3, 1, new CastVote(a.id(), "y", Stance.ENDORSE), new Retract(a.id(), "x", false));

    MerkleSummary summary = store.merkle();
    MerkleTree recomputed = store.recomputeMerkle();
    assertThat(recomputed.rootHex()).isEqualTo(summary.root());
    assertThat(summary.records()).isEqualTo(305);
    assertThat(summary.buckets()).isEqualTo(recomputed.nonEmptyBuckets());
  }

  private Status status(long index, Change change) {
    return store.apply(index, 1, change).only().get(0).status();
  }
}
