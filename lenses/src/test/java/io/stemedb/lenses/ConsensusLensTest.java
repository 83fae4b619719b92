package io.stemedb.lenses;

import static io.stemedb.lenses.Fixture.authority;
import static io.stemedb.lenses.Fixture.claim;
import static io.stemedb.lenses.Fixture.dec;
import static io.stemedb.lenses.Fixture.dispute;
import static io.stemedb.lenses.Fixture.endorse;
import static io.stemedb.lenses.Fixture.greaterId;
import static io.stemedb.lenses.Fixture.lesserId;
import static io.stemedb.lenses.Fixture.records;
import static io.stemedb.lenses.Fixture.resolve;
import static io.stemedb.lenses.Fixture.retract;
import static io.stemedb.lenses.Fixture.t;
import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.model.Assertion;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The consensus lens: values by support, then latest observedAt, then greatest id. */
class ConsensusLensTest {
  private static Resolution.ValueSupport support(String value, String support, Assertion... supporters) {
    return new Resolution.ValueSupport(value, new BigDecimal(support), List.of(supporters));
  }

  @Nested
  class Order {
    @Test
    void higherSupportWins() {
      Assertion crm = claim("crm", "\"a@b.com\"", t(10), 0.9, 1);
      Assertion web = claim("web", "\"x@y.com\"", t(20), 1.0, 2);
      Resolution r = resolve(Lens.CONSENSUS, crm, web, authority("crm", 5, 1), authority("web", 2, 1));
      assertThat(r.lens()).isEqualTo(Lens.CONSENSUS);
      assertThat(r.winner()).isEqualTo(crm);
      assertThat(r.value()).isEqualTo("\"a@b.com\"");
      assertThat(r.runnerUp()).isEqualTo(web);
      assertThat(r.contested()).isTrue();
      assertThat(r.candidates()).isEqualTo(2);
      assertThat(r.values())
          .containsExactly(support("\"a@b.com\"", "4.5", crm), support("\"x@y.com\"", "2", web));
      assertThat(r.explain())
          .isEqualTo(
              new Resolution.Explanation(
                  DecidedBy.SUPPORT,
                  "value \"a@b.com\" (support 4.5) over \"x@y.com\" (support 2);"
                      + " latest claims by crm and web"));
    }

    @Test
    void manyAgreeingAgentsOutweighOneAuthority() {
      Assertion a1 = claim("s1", "\"a\"", t(1), 1);
      Assertion a2 = claim("s2", "\"a\"", t(2), 2);
      Assertion a3 = claim("s3", "\"a\"", t(3), 3);
      Assertion b = claim("boss", "\"b\"", t(30), 4);
      Resolution r = resolve(Lens.CONSENSUS, a1, a2, a3, b, authority("boss", 2.5, 1));
      assertThat(r.winner()).isEqualTo(a3);
      assertThat(r.runnerUp()).isEqualTo(b);
      assertThat(r.values())
          .containsExactly(support("\"a\"", "3", a3, a2, a1), support("\"b\"", "2.5", b));
      assertThat(r.explain().decidedBy()).isEqualTo(DecidedBy.SUPPORT);
    }

    @Test
    void equalSupportThenTheLatestObservation() {
      Assertion a = claim("crm", "\"a\"", t(10), 1);
      Assertion b = claim("web", "\"b\"", t(20), 2);
      Resolution r = resolve(Lens.CONSENSUS, a, b);
      assertThat(r.winner()).isEqualTo(b);
      assertThat(r.runnerUp()).isEqualTo(a);
      assertThat(r.explain())
          .isEqualTo(
              new Resolution.Explanation(
                  DecidedBy.RECENCY,
                  "value \"b\" (latest observed 2026-11-01T10:00:20.000Z) over \"a\""
                      + " (latest observed 2026-11-01T10:00:10.000Z), both support 1;"
                      + " latest claims by web and crm"));
    }

    @Test
    void equalSupportAndLatestObservationThenTheGreatestId() {
      Assertion a = claim("crm", "\"a\"", t(10), 1);
      Assertion b = claim("web", "\"b\"", t(10), 2);
      Resolution r = resolve(Lens.CONSENSUS, a, b);
      assertThat(r.winner()).isEqualTo(greaterId(a, b));
      assertThat(r.runnerUp()).isEqualTo(lesserId(a, b));
      assertThat(r.explain().decidedBy()).isEqualTo(DecidedBy.ID);
      assertThat(r.explain().detail()).contains("(greatest id " + greaterId(a, b).id().substring(0, 12));
    }

    @Test
    void theGreatestIdIsOverAllTheValuesClaimsNotOnlyItsLatest() {
      // "a" has an older claim x and a latest claim y; "b" has z, observed as late as y; all support 1+1
      // against 2. Pick agents so that id(x) > id(z) > id(y): the greatest id of "a" is x's, and it beats z.
      for (int i = 0; ; i++) {
        Assertion x = claim("x" + i, "\"a\"", t(10), 1);
        Assertion y = claim("y" + i, "\"a\"", t(20), 2);
        Assertion z = claim("z" + i, "\"b\"", t(20), 3);
        if (x.id().compareTo(z.id()) > 0 && z.id().compareTo(y.id()) > 0) {
          Resolution r = resolve(Lens.CONSENSUS, x, y, z, authority("z" + i, 2, 1));
          assertThat(r.value()).isEqualTo("\"a\"");
          assertThat(r.winner()).isEqualTo(y);
          assertThat(r.runnerUp()).isEqualTo(z);
          assertThat(r.explain().decidedBy()).isEqualTo(DecidedBy.ID);
          assertThat(r.explain().detail()).contains("(greatest id " + x.id().substring(0, 12));
          return;
        }
      }
    }

    @Test
    void theWinnerIsTheBestValuesLatestClaimAndTheRunnerUpTheSecondValuesLatest() {
      Assertion strongOld = claim("crm", "\"a\"", t(10), 1);
      Assertion weakNew = claim("bot", "\"a\"", t(40), 0.1, 2);
      Assertion b1 = claim("web", "\"b\"", t(20), 3);
      Assertion b2 = claim("app", "\"b\"", t(30), 4);
      Assertion c = claim("eve", "\"c\"", t(50), 5);
      Resolution r = resolve(Lens.CONSENSUS, strongOld, weakNew, b1, b2, c, authority("crm", 5, 1));
      assertThat(r.winner()).isEqualTo(weakNew);
      assertThat(r.runnerUp()).isEqualTo(b2);
      assertThat(r.values())
          .containsExactly(
              support("\"a\"", "5.1", weakNew, strongOld),
              support("\"b\"", "2", b2, b1),
              support("\"c\"", "1", c));
      assertThat(r.candidates()).isEqualTo(5);
    }

    @Test
    void oneValueThenTheRunnerUpIsItsNextClaimAndRecencyDecides() {
      Assertion crm = claim("crm", "\"a\"", t(10), 1);
      Assertion web = claim("web", "\"a\"", t(20), 2);
      Resolution r = resolve(Lens.CONSENSUS, crm, web, authority("crm", 5, 1));
      assertThat(r.winner()).isEqualTo(web);
      assertThat(r.runnerUp()).isEqualTo(crm);
      assertThat(r.contested()).isFalse();
      assertThat(r.values()).containsExactly(support("\"a\"", "6", web, crm));
      assertThat(r.explain())
          .isEqualTo(
              new Resolution.Explanation(
                  DecidedBy.RECENCY,
                  "web (observed 2026-11-01T10:00:20.000Z) over crm (observed 2026-11-01T10:00:10.000Z),"
                      + " both for value \"a\" (support 6)"));
    }

    @Test
    void oneValueAtOneInstantThenTheIdDecides() {
      Assertion crm = claim("crm", "\"a\"", t(10), 1);
      Assertion web = claim("web", "\"a\"", t(10), 2);
      Resolution r = resolve(Lens.CONSENSUS, crm, web);
      assertThat(r.winner()).isEqualTo(greaterId(crm, web));
      assertThat(r.runnerUp()).isEqualTo(lesserId(crm, web));
      assertThat(r.explain().decidedBy()).isEqualTo(DecidedBy.ID);
    }

    @Test
    void oneClaimIsTheOnlyCandidateAndStillHasItsValue() {
      Assertion crm = claim("crm", "\"a\"", t(10), 0.5, 1);
      Resolution r = resolve(Lens.CONSENSUS, crm);
      assertThat(r.winner()).isEqualTo(crm);
      assertThat(r.runnerUp()).isNull();
      assertThat(r.explain().decidedBy()).isEqualTo(DecidedBy.ONLY_CANDIDATE);
      assertThat(r.values()).containsExactly(support("\"a\"", "0.5", crm));
    }

    @Test
    void equalValuesWrittenDifferentlyAreOneValue() {
      Assertion a = claim("crm", "{\"a\":1,\"b\":2}", t(10), 1);
      Assertion b = claim("web", "{\"b\":2,\"a\":1}", t(20), 2);
      Assertion one = claim("bot", "1.0", t(30), 3);
      Assertion oneAgain = claim("app", "1", t(5), 4);
      Assertion other = claim("eve", "{\"a\":1}", t(40), 5);
      Resolution r = resolve(Lens.CONSENSUS, a, b, one, oneAgain, other);
      assertThat(r.values())
          .containsExactly(
              support("1", "2", one, oneAgain),
              support("{\"a\":1,\"b\":2}", "2", b, a),
              support("{\"a\":1}", "1", other));
      assertThat(r.explain().decidedBy()).isEqualTo(DecidedBy.RECENCY);
    }

    @Test
    void zeroAuthorityClaimsStillCountAsCandidates() {
      Assertion a = claim("crm", "\"a\"", t(10), 1);
      Assertion b = claim("web", "\"b\"", t(20), 2);
      Resolution r = resolve(Lens.CONSENSUS, a, b, authority("web", 0, 1));
      assertThat(r.winner()).isEqualTo(a);
      assertThat(r.values()).extracting(Resolution.ValueSupport::support).containsExactly(dec("1"), dec("0"));
    }
  }

  @Nested
  class ExactDecimals {
    @Test
    void pointOnePlusPointTwoTiesWithPointThree() {
      // As doubles 0.1 + 0.2 = 0.30000000000000004 > 0.3 and "a" would win on support.
      Assertion a1 = claim("crm", "\"a\"", t(10), 0.1, 1);
      Assertion a2 = claim("bot", "\"a\"", t(11), 0.2, 2);
      Assertion b = claim("web", "\"b\"", t(20), 0.3, 3);
      Resolution r = resolve(Lens.CONSENSUS, a1, a2, b);
      assertThat(r.winner()).isEqualTo(b);
      assertThat(r.explain().decidedBy()).isEqualTo(DecidedBy.RECENCY);
      assertThat(r.values()).extracting(Resolution.ValueSupport::support).containsExactly(dec("0.3"), dec("0.3"));
    }

    @Test
    void threeTimesPointOneIsPointThree() {
      // As doubles 3 * 0.1 = 0.30000000000000004 > 0.3.
      Assertion a = claim("crm", "\"a\"", t(10), 0.1, 1);
      Assertion b = claim("web", "\"b\"", t(20), 0.3, 2);
      Resolution r = resolve(Lens.CONSENSUS, a, b, authority("crm", 3, 1));
      assertThat(r.winner()).isEqualTo(b);
      assertThat(r.explain().decidedBy()).isEqualTo(DecidedBy.RECENCY);
    }

    @Test
    void sumsDoNotDependOnTheirOrder() {
      // As doubles (0.1 + 0.2) + 0.3 = 0.6000000000000001 but 0.1 + (0.2 + 0.3) = 0.6.
      Assertion a1 = claim("s1", "\"a\"", t(1), 0.1, 1);
      Assertion a2 = claim("s2", "\"a\"", t(2), 0.2, 2);
      Assertion a3 = claim("s3", "\"a\"", t(3), 0.3, 3);
      Assertion b = claim("web", "\"b\"", t(20), 0.6, 4);
      Resolution r = resolve(Lens.CONSENSUS, a3, b, a1, a2);
      assertThat(r.winner()).isEqualTo(b);
      assertThat(r.explain().decidedBy()).isEqualTo(DecidedBy.RECENCY);
      assertThat(r.values()).extracting(Resolution.ValueSupport::support).containsExactly(dec("0.6"), dec("0.6"));
    }

    @Test
    void supportsAreWrittenWithoutSpareZeros() {
      Assertion a = claim("crm", "\"a\"", t(10), 0.5, 1);
      Resolution r = resolve(Lens.CONSENSUS, a, authority("crm", 20, 1));
      assertThat(r.values().get(0).support()).isEqualTo(dec("10"));
      assertThat(r.values().get(0).support().toString()).isEqualTo("10");
    }
  }

  @Nested
  class Votes {
    private final Assertion a = claim("crm", "\"a\"", t(20), 1);
    private final Assertion b = claim("web", "\"b\"", t(10), 2);

    @Test
    void anEndorsementAddsTheVotersAuthority() {
      Resolution r = resolve(Lens.CONSENSUS, a, b, endorse("voter", b, 3), authority("voter", 3, 1));
      assertThat(r.winner()).isEqualTo(b);
      assertThat(r.values()).containsExactly(support("\"b\"", "4", b), support("\"a\"", "1", a));
    }

    @Test
    void anUnknownVoterHasTheDefaultAuthority() {
      Records records = records(a, b, endorse("voter", b, 3));
      Resolution r =
          Lenses.resolve(Lens.CONSENSUS, records, ReadFilter.epoch(0), new BigDecimal("0.5")).orElseThrow();
      assertThat(r.values()).containsExactly(support("\"b\"", "1", b), support("\"a\"", "0.5", a));
    }

    @Test
    void aDisputedValueLoses() {
      Resolution r = resolve(Lens.CONSENSUS, a, b, dispute("voter", a, 3));
      assertThat(r.winner()).isEqualTo(b);
      assertThat(r.runnerUp()).isEqualTo(a);
      assertThat(r.explain())
          .isEqualTo(
              new Resolution.Explanation(
                  DecidedBy.SUPPORT,
                  "value \"b\" (support 1) over \"a\" (support 0); latest claims by web and crm"));
    }

    @Test
    void supportCanBeNegative() {
      Resolution r = resolve(Lens.CONSENSUS, a, b, dispute("v1", a, 3), dispute("v2", a, 4), dispute("v3", b, 5));
      assertThat(r.values()).containsExactly(support("\"b\"", "0", b), support("\"a\"", "-1", a));
      assertThat(r.explain().detail()).startsWith("value \"b\" (support 0) over \"a\" (support -1)");
    }

    @Test
    void aVoterCountsOncePerValue() {
      // Two endorsements by one voter on two claims of "a": +1, not +2; then 3 against 3, "b" is later.
      Assertion a1 = claim("crm", "\"a\"", t(10), 1);
      Assertion a2 = claim("bot", "\"a\"", t(11), 2);
      Assertion b1 = claim("w1", "\"b\"", t(20), 3);
      Assertion b2 = claim("w2", "\"b\"", t(20), 4);
      Assertion b3 = claim("w3", "\"b\"", t(20), 5);
      Resolution r =
          resolve(Lens.CONSENSUS, a1, a2, b1, b2, b3, endorse("voter", a1, 6), endorse("voter", a2, 7));
      assertThat(r.values()).extracting(Resolution.ValueSupport::support).containsExactly(dec("3"), dec("3"));
      assertThat(r.value()).isEqualTo("\"b\"");
      assertThat(r.explain().decidedBy()).isEqualTo(DecidedBy.RECENCY);
    }

    @Test
    void theVotersLatestVoteOnAnyClaimOfTheValueCounts() {
      Assertion a1 = claim("crm", "\"a\"", t(10), 1);
      Assertion a2 = claim("bot", "\"a\"", t(11), 2);
      Records records = records(a1, a2, b, endorse("voter", a1, 6), dispute("voter", a2, 7));
      assertThat(resolve(Lens.CONSENSUS, records).values().get(0).support()).isEqualTo(dec("1"));
      Resolution before = resolve(Lens.CONSENSUS, records, ReadFilter.epoch(0).withAsOfIndex(6)).orElseThrow();
      assertThat(before.values().get(0).support()).isEqualTo(dec("3"));
    }

    @Test
    void aLaterVoteReplacesTheEarlierOnTheSameClaim() {
      Records records = records(a, b, endorse("voter", a, 5), dispute("voter", a, 7));
      Resolution now = resolve(Lens.CONSENSUS, records);
      assertThat(now.winner()).isEqualTo(b);
      assertThat(now.values()).containsExactly(support("\"b\"", "1", b), support("\"a\"", "0", a));
      Resolution before = resolve(Lens.CONSENSUS, records, ReadFilter.epoch(0).withAsOfIndex(6)).orElseThrow();
      assertThat(before.winner()).isEqualTo(a);
      assertThat(before.values()).containsExactly(support("\"a\"", "2", a), support("\"b\"", "1", b));
    }

    @Test
    void aVoteOnASupersededClaimOfTheSameValueCounts() {
      // The vote is on crm's earlier claim; crm said "a" again later. The earlier claim is still a candidate.
      Assertion again = claim("crm", "\"a\"", t(30), 3);
      Resolution r = resolve(Lens.CONSENSUS, a, again, b, endorse("voter", a, 4));
      assertThat(r.values()).containsExactly(support("\"a\"", "2", again), support("\"b\"", "1", b));
    }

    @Test
    void aVoteOnAValueNoEffectiveClaimHoldsAddsNoValue() {
      Assertion changedMind = claim("crm", "\"c\"", t(30), 3);
      Resolution r = resolve(Lens.CONSENSUS, a, changedMind, b, endorse("voter", a, 4));
      assertThat(r.values()).containsExactly(support("\"c\"", "1", changedMind), support("\"b\"", "1", b));
    }

    @Test
    void aVoterCountsForEachValueItVotedOn() {
      Resolution r = resolve(Lens.CONSENSUS, a, b, endorse("voter", a, 3), dispute("voter", b, 4));
      assertThat(r.values()).containsExactly(support("\"a\"", "2", a), support("\"b\"", "0", b));
    }

    @Test
    void aVotersAuthorityIsTheOneAtTheReadIndex() {
      Records records = records(a, b, endorse("voter", b, 3), authority("voter", 5, 2), authority("voter", 0, 9));
      assertThat(resolve(Lens.CONSENSUS, records, ReadFilter.epoch(0).withAsOfIndex(8)).orElseThrow().winner())
          .isEqualTo(b);
      assertThat(resolve(Lens.CONSENSUS, records).winner()).isEqualTo(a);
    }

    @Test
    void aVoteOnARetractedClaimStopsCountingWhenItIsRetracted() {
      Assertion a2 = claim("bot", "\"a\"", t(5), 3);
      Records records = records(a, a2, b, endorse("voter", a2, 4), retract(a2, 6), authority("voter", 3, 1));
      assertThat(resolve(Lens.CONSENSUS, records, ReadFilter.epoch(0).withAsOfIndex(5)).orElseThrow().values().get(0))
          .isEqualTo(support("\"a\"", "5", a, a2));
      assertThat(resolve(Lens.CONSENSUS, records).values().get(0)).isEqualTo(support("\"a\"", "1", a));
    }
  }
}
