package io.stemedb.lenses;

import static io.stemedb.lenses.Fixture.authority;
import static io.stemedb.lenses.Fixture.claim;
import static io.stemedb.lenses.Fixture.greaterId;
import static io.stemedb.lenses.Fixture.lesserId;
import static io.stemedb.lenses.Fixture.records;
import static io.stemedb.lenses.Fixture.resolve;
import static io.stemedb.lenses.Fixture.t;
import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.model.Assertion;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The authority lens: higher authority, then confidence, then observedAt, then id; and rule 3. */
class AuthorityLensTest {
  @Test
  void higherAuthorityWinsOverEverythingElse() {
    Assertion crm = claim("crm", "\"a@b.com\"", t(10), 0.2, 1);
    Assertion web = claim("web", "\"x@y.com\"", t(20), 1.0, 2);
    Resolution r = resolve(Lens.AUTHORITY, crm, web, authority("crm", 5, 1), authority("web", 2, 1));
    assertThat(r.lens()).isEqualTo(Lens.AUTHORITY);
    assertThat(r.winner()).isEqualTo(crm);
    assertThat(r.runnerUp()).isEqualTo(web);
    assertThat(r.values()).isNull();
    assertThat(r.contested()).isTrue();
    assertThat(r.explain())
        .isEqualTo(new Resolution.Explanation(DecidedBy.AUTHORITY, "crm (authority 5) over web (authority 2)"));
  }

  @Test
  void equalAuthorityThenHigherConfidence() {
    Assertion crm = claim("crm", "\"a\"", t(10), 0.9, 1);
    Assertion web = claim("web", "\"b\"", t(20), 0.8, 2);
    Resolution r = resolve(Lens.AUTHORITY, crm, web, authority("crm", 5, 1), authority("web", 5, 1));
    assertThat(r.winner()).isEqualTo(crm);
    assertThat(r.explain())
        .isEqualTo(
            new Resolution.Explanation(
                DecidedBy.CONFIDENCE, "crm (confidence 0.9) over web (confidence 0.8), both authority 5"));
  }

  @Test
  void equalAuthorityAndConfidenceThenLaterObservation() {
    Assertion crm = claim("crm", "\"a\"", t(10), 0.9, 1);
    Assertion web = claim("web", "\"b\"", t(20), 0.9, 2);
    Resolution r = resolve(Lens.AUTHORITY, crm, web);
    assertThat(r.winner()).isEqualTo(web);
    assertThat(r.explain())
        .isEqualTo(
            new Resolution.Explanation(
                DecidedBy.RECENCY,
                "web (observed 2026-11-01T10:00:20.000Z) over crm (observed 2026-11-01T10:00:10.000Z),"
                    + " both authority 1 and confidence 0.9"));
  }

  @Test
  void allElseEqualThenGreaterId() {
    Assertion crm = claim("crm", "\"a\"", t(10), 0.9, 1);
    Assertion web = claim("web", "\"b\"", t(10), 0.9, 2);
    Resolution r = resolve(Lens.AUTHORITY, crm, web);
    assertThat(r.winner()).isEqualTo(greaterId(crm, web));
    assertThat(r.runnerUp()).isEqualTo(lesserId(crm, web));
    assertThat(r.explain().decidedBy()).isEqualTo(DecidedBy.ID);
    assertThat(r.explain().detail())
        .endsWith(", both authority 1, confidence 0.9 and observed 2026-11-01T10:00:10.000Z");
  }

  @Test
  void oneCandidateIsTheOnlyCandidate() {
    Assertion crm = claim("crm", "\"a\"", t(10), 1);
    Resolution r = resolve(Lens.AUTHORITY, crm, authority("crm", 5, 1));
    assertThat(r.winner()).isEqualTo(crm);
    assertThat(r.runnerUp()).isNull();
    assertThat(r.explain().decidedBy()).isEqualTo(DecidedBy.ONLY_CANDIDATE);
  }

  @Test
  void unknownAgentsHaveTheDefaultAuthority() {
    Assertion crm = claim("crm", "\"a\"", t(20), 1);
    Assertion web = claim("web", "\"b\"", t(10), 2);
    Records records = records(crm, web, authority("crm", 0.5, 1));
    Resolution byDefault = resolve(Lens.AUTHORITY, records);
    assertThat(byDefault.winner()).isEqualTo(web);
    assertThat(byDefault.explain().detail()).isEqualTo("web (authority 1) over crm (authority 0.5)");
    Resolution lowDefault =
        Lenses.resolve(Lens.AUTHORITY, records, ReadFilter.epoch(0), new BigDecimal("0.25")).orElseThrow();
    assertThat(lowDefault.winner()).isEqualTo(crm);
    assertThat(lowDefault.explain().detail()).isEqualTo("crm (authority 0.5) over web (authority 0.25)");
  }

  @Test
  void anAgentNotYetConfiguredAtTheReadIndexHasTheDefault() {
    Assertion crm = claim("crm", "\"a\"", t(10), 1);
    Assertion web = claim("web", "\"b\"", t(20), 2);
    Records records = records(crm, web, authority("crm", 7, 5));
    assertThat(resolve(Lens.AUTHORITY, records, ReadFilter.epoch(0).withAsOfIndex(4)).orElseThrow().winner())
        .isEqualTo(web);
    assertThat(resolve(Lens.AUTHORITY, records, ReadFilter.epoch(0).withAsOfIndex(5)).orElseThrow().winner())
        .isEqualTo(crm);
  }

  @Test
  void theLatestSettingAtOrBeforeTheReadIndexIsInForce() {
    Assertion crm = claim("crm", "\"a\"", t(10), 1);
    Assertion web = claim("web", "\"b\"", t(20), 2);
    Records records =
        records(crm, web, authority("crm", 9, 3), authority("crm", 0, 6), authority("web", 2, 1));
    assertThat(resolve(Lens.AUTHORITY, records, ReadFilter.epoch(0).withAsOfIndex(5)).orElseThrow().winner())
        .isEqualTo(crm);
    assertThat(resolve(Lens.AUTHORITY, records).winner()).isEqualTo(web);
  }

  @Test
  void aDefaultOfEqualValueButOtherScaleIsTheSameAuthority() {
    // 5.00 (default) and 5.0 (configured) are one authority: confidence decides, not BigDecimal scale.
    Assertion crm = claim("crm", "\"a\"", t(10), 0.8, 1);
    Assertion web = claim("web", "\"b\"", t(20), 0.7, 2);
    Records records = records(crm, web, authority("web", 5, 1));
    Resolution r = Lenses.resolve(Lens.AUTHORITY, records, ReadFilter.epoch(0), new BigDecimal("5.00")).orElseThrow();
    assertThat(r.winner()).isEqualTo(crm);
    assertThat(r.explain().decidedBy()).isEqualTo(DecidedBy.CONFIDENCE);
  }

  @Test
  void supersessionAppliesBeforeRanking() {
    // crm's high-authority early claim is superseded by its own later, lower-confidence one.
    Assertion crmOld = claim("crm", "\"a\"", t(10), 1.0, 1);
    Assertion crmNew = claim("crm", "\"c\"", t(30), 0.1, 2);
    Assertion web = claim("web", "\"b\"", t(20), 1.0, 3);
    Resolution r = resolve(Lens.AUTHORITY, crmOld, crmNew, web, authority("crm", 3, 1));
    assertThat(r.winner()).isEqualTo(crmNew);
    assertThat(r.runnerUp()).isEqualTo(web);
    assertThat(r.candidates()).isEqualTo(2);
  }
}
