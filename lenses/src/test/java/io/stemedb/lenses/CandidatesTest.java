package io.stemedb.lenses;

import static io.stemedb.lenses.Fixture.authority;
import static io.stemedb.lenses.Fixture.claim;
import static io.stemedb.lenses.Fixture.claimIn;
import static io.stemedb.lenses.Fixture.dec;
import static io.stemedb.lenses.Fixture.endorse;
import static io.stemedb.lenses.Fixture.records;
import static io.stemedb.lenses.Fixture.resolve;
import static io.stemedb.lenses.Fixture.retract;
import static io.stemedb.lenses.Fixture.t;
import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.model.Assertion;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Brief rule 1: which claims are candidates at all (filters, retractions, epochs, duplicates). */
class CandidatesTest {
  private final Assertion crm = claim("crm", "\"a@b.com\"", t(20), 0.9, 5);
  private final Assertion web = claim("web", "\"x@y.com\"", t(10), 0.5, 3);

  @ParameterizedTest
  @EnumSource(Lens.class)
  void noRecordsIsNoAnswer(Lens lens) {
    assertThat(resolve(lens, Records.EMPTY, ReadFilter.epoch(0))).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Lens.class)
  void everyClaimRetractedIsNoAnswer(Lens lens) {
    Records records = records(crm, web, retract(crm, 6), retract(web, 7));
    assertThat(resolve(lens, records, ReadFilter.epoch(0))).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Lens.class)
  void everyClaimFilteredOutIsNoAnswer(Lens lens) {
    Records records = records(crm, web);
    assertThat(resolve(lens, records, ReadFilter.epoch(0).withAgents(Set.of("nobody")))).isEmpty();
    assertThat(resolve(lens, records, ReadFilter.epoch(1))).isEmpty();
    assertThat(resolve(lens, records, ReadFilter.epoch(0).withAsOfIndex(2))).isEmpty();
  }

  @Test
  void aRetractedClaimLeavesTheCandidateSet() {
    Resolution r = resolve(Lens.RECENCY, crm, web, retract(crm, 6));
    assertThat(r.winner()).isEqualTo(web);
    assertThat(r.candidates()).isEqualTo(1);
    assertThat(r.contested()).isFalse();
  }

  @Test
  void aRetractionAfterTheReadIndexDoesNotCountYet() {
    Records records = records(crm, web, retract(crm, 10));
    assertThat(resolve(Lens.RECENCY, records, ReadFilter.epoch(0).withAsOfIndex(9)).orElseThrow().winner())
        .isEqualTo(crm);
    assertThat(resolve(Lens.RECENCY, records, ReadFilter.epoch(0).withAsOfIndex(10)).orElseThrow().winner())
        .isEqualTo(web);
  }

  @Test
  void asOfIndexIgnoresClaimsAppliedAfterIt() {
    Records records = records(crm, web);
    Resolution atFour = resolve(Lens.RECENCY, records, ReadFilter.epoch(0).withAsOfIndex(4)).orElseThrow();
    assertThat(atFour.winner()).isEqualTo(web);
    assertThat(atFour.candidates()).isEqualTo(1);
    Resolution atFive = resolve(Lens.RECENCY, records, ReadFilter.epoch(0).withAsOfIndex(5)).orElseThrow();
    assertThat(atFive.winner()).isEqualTo(crm);
  }

  @Test
  void asOfIndexIgnoresVotesCastAfterIt() {
    // Equal support 1 : 1, crm's claim is later; web's value needs the vote (index 8) to win.
    Assertion a = claim("crm", "\"a\"", t(20), 1);
    Assertion b = claim("web", "\"b\"", t(10), 2);
    Records records = records(a, b, endorse("voter", b, 8));
    assertThat(resolve(Lens.CONSENSUS, records, ReadFilter.epoch(0).withAsOfIndex(7)).orElseThrow().winner())
        .isEqualTo(a);
    assertThat(resolve(Lens.CONSENSUS, records, ReadFilter.epoch(0).withAsOfIndex(8)).orElseThrow().winner())
        .isEqualTo(b);
  }

  @Test
  void asOfIndexIgnoresAuthorityChangesAfterIt() {
    Records records =
        records(crm, web, authority("crm", 1, 1), authority("web", 3, 1), authority("crm", 10, 8));
    Resolution before = resolve(Lens.AUTHORITY, records, ReadFilter.epoch(0).withAsOfIndex(7)).orElseThrow();
    assertThat(before.winner()).isEqualTo(web);
    assertThat(before.explain().detail()).isEqualTo("web (authority 3) over crm (authority 1)");
    Resolution after = resolve(Lens.AUTHORITY, records, ReadFilter.epoch(0).withAsOfIndex(8)).orElseThrow();
    assertThat(after.winner()).isEqualTo(crm);
    assertThat(after.explain().detail()).isEqualTo("crm (authority 10) over web (authority 3)");
  }

  @Test
  void asOfKeepsClaimsObservedAtOrBeforeIt() {
    Records records = records(crm, web);
    assertThat(resolve(Lens.RECENCY, records, ReadFilter.epoch(0).withAsOf(t(20))).orElseThrow().winner())
        .isEqualTo(crm);
    assertThat(resolve(Lens.RECENCY, records, ReadFilter.epoch(0).withAsOf(t(20) - 1)).orElseThrow().winner())
        .isEqualTo(web);
    assertThat(resolve(Lens.RECENCY, records, ReadFilter.epoch(0).withAsOf(t(10) - 1))).isEmpty();
  }

  @Test
  void agentsRestrictTheClaims() {
    Resolution r =
        resolve(Lens.RECENCY, records(crm, web), ReadFilter.epoch(0).withAgents(Set.of("web", "other")))
            .orElseThrow();
    assertThat(r.winner()).isEqualTo(web);
    assertThat(r.candidates()).isEqualTo(1);
  }

  @Test
  void agentsDoNotRestrictTheVoters() {
    // The voter is not among the agents read, yet its vote counts: 1 + 1 against 1.
    Assertion a = claim("crm", "\"a\"", t(20), 1);
    Assertion b = claim("web", "\"b\"", t(10), 2);
    Records records = records(a, b, endorse("voter", b, 3));
    Resolution r =
        resolve(Lens.CONSENSUS, records, ReadFilter.epoch(0).withAgents(Set.of("crm", "web"))).orElseThrow();
    assertThat(r.winner()).isEqualTo(b);
    assertThat(r.values().get(0).support()).isEqualTo(dec("2"));
  }

  @Test
  void votesOnClaimsFilteredOutByAgentsDoNotCount() {
    Assertion a = claim("crm", "\"a\"", t(20), 1);
    Assertion b = claim("web", "\"b\"", t(10), 2);
    Assertion b2 = claim("bot", "\"b\"", t(5), 3);
    Records records = records(a, b, b2, endorse("voter", b2, 4));
    Resolution r =
        resolve(Lens.CONSENSUS, records, ReadFilter.epoch(0).withAgents(Set.of("crm", "web"))).orElseThrow();
    assertThat(r.winner()).isEqualTo(a);
    assertThat(r.values()).extracting(Resolution.ValueSupport::support).containsExactly(dec("1"), dec("1"));
  }

  @Test
  void minConfidenceKeepsClaimsAtOrAboveIt() {
    Records records = records(crm, web);
    assertThat(resolve(Lens.RECENCY, records, ReadFilter.epoch(0).withMinConfidence(0.5)).orElseThrow().candidates())
        .isEqualTo(2);
    Resolution r = resolve(Lens.RECENCY, records, ReadFilter.epoch(0).withMinConfidence(0.6)).orElseThrow();
    assertThat(r.winner()).isEqualTo(crm);
    assertThat(r.candidates()).isEqualTo(1);
    assertThat(resolve(Lens.RECENCY, records, ReadFilter.epoch(0).withMinConfidence(0.95))).isEmpty();
  }

  @Test
  void onlyTheChosenEpochCounts() {
    Assertion old = claimIn(0, "crm", "\"old\"", t(50), 1.0, 1);
    Assertion now = claimIn(1, "web", "\"new\"", t(10), 1.0, 9);
    Records records = records(old, now);
    Resolution epoch0 = resolve(Lens.RECENCY, records, ReadFilter.epoch(0)).orElseThrow();
    assertThat(epoch0.winner()).isEqualTo(old);
    assertThat(epoch0.candidates()).isEqualTo(1);
    Resolution epoch1 = resolve(Lens.RECENCY, records, ReadFilter.epoch(1)).orElseThrow();
    assertThat(epoch1.winner()).isEqualTo(now);
    assertThat(epoch1.candidates()).isEqualTo(1);
  }

  @Test
  void votesOnRetractedClaimsDoNotCount() {
    // If the vote on the retracted "a" counted, "a" would have 2 against 1.
    Assertion a = claim("crm", "\"a\"", t(10), 1);
    Assertion aRetracted = claim("bot", "\"a\"", t(5), 2);
    Assertion b = claim("web", "\"b\"", t(20), 3);
    Records records = records(a, aRetracted, b, retract(aRetracted, 4), endorse("voter", aRetracted, 5));
    Resolution r = resolve(Lens.CONSENSUS, records);
    assertThat(r.winner()).isEqualTo(b);
    assertThat(r.explain().decidedBy()).isEqualTo(DecidedBy.RECENCY);
    assertThat(r.values()).extracting(Resolution.ValueSupport::support).containsExactly(dec("1"), dec("1"));
  }

  @Test
  void votesOnClaimsOfAnotherEpochDoNotCount() {
    Assertion a = claim("crm", "\"a\"", t(10), 1);
    Assertion aOld = claimIn(1, "bot", "\"a\"", t(5), 1.0, 2);
    Assertion b = claim("web", "\"b\"", t(20), 3);
    Resolution r = resolve(Lens.CONSENSUS, a, aOld, b, endorse("voter", aOld, 5));
    assertThat(r.winner()).isEqualTo(b);
  }

  @Test
  void votesOnUnknownClaimsDoNotCount() {
    Assertion a = claim("crm", "\"a\"", t(10), 1);
    Assertion elsewhere = claim("bot", "\"a\"", t(5), 2);
    Assertion b = claim("web", "\"b\"", t(20), 3);
    Resolution r = resolve(Lens.CONSENSUS, a, b, endorse("voter", elsewhere, 5));
    assertThat(r.winner()).isEqualTo(b);
  }

  @ParameterizedTest
  @EnumSource(Lens.class)
  void duplicatedRecordsCountOnce(Lens lens) {
    Assertion a = claim("crm", "\"a\"", t(10), 1);
    Assertion b = claim("web", "\"b\"", t(20), 2);
    Records once = records(a, b, endorse("voter", a, 3), authority("crm", 2, 1), retract(b, 4));
    Records twice =
        records(a, a, b, b, endorse("voter", a, 3), endorse("voter", a, 3), authority("crm", 2, 1),
            authority("crm", 2, 1), retract(b, 4), retract(b, 4));
    assertThat(resolve(lens, twice)).isEqualTo(resolve(lens, once));
    assertThat(resolve(lens, twice).candidates()).isEqualTo(1);
  }

  @Test
  void theSameClaimTwiceIsOneCandidate() {
    Resolution r = resolve(Lens.CONSENSUS, crm, crm, web);
    assertThat(r.candidates()).isEqualTo(2);
    assertThat(r.values()).extracting(v -> v.supporters().size()).containsExactly(1, 1);
    assertThat(r.values().get(0).support()).isEqualTo(dec("0.9"));
  }

  @Test
  void oneIdSeenAtTwoIndexesIsTheOriginalClaim() {
    // An import that re-delivered a claim at a later index: the claim existed from the first index on.
    Assertion again = crm.at(12, 0);
    Records records = records(again, web, crm);
    Resolution r = resolve(Lens.RECENCY, records, ReadFilter.epoch(0).withAsOfIndex(6)).orElseThrow();
    assertThat(r.winner()).isEqualTo(crm);
    assertThat(r.candidates()).isEqualTo(2);
    assertThat(resolve(Lens.RECENCY, records(web, again, crm))).isEqualTo(resolve(Lens.RECENCY, records));
  }
}
