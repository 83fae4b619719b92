package io.stemedb.lenses;

import static io.stemedb.lenses.Fixture.claim;
import static io.stemedb.lenses.Fixture.dec;
import static io.stemedb.lenses.Fixture.greaterId;
import static io.stemedb.lenses.Fixture.lesserId;
import static io.stemedb.lenses.Fixture.resolve;
import static io.stemedb.lenses.Fixture.retract;
import static io.stemedb.lenses.Fixture.t;
import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.model.Assertion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Brief rule 2: each agent counts once, through its effective claim. */
class SupersessionTest {
  private final Assertion crmBefore = claim("crm", "\"a\"", t(10), 1);
  private final Assertion crmAfter = claim("crm", "\"b\"", t(30), 2);
  private final Assertion web = claim("web", "\"a\"", t(20), 3);

  @Test
  void anAgentsLaterClaimReplacesItsEarlierOne() {
    // Without supersession "a" would have crm's old claim and web's: support 2 against 1.
    Resolution r = resolve(Lens.CONSENSUS, crmBefore, crmAfter, web);
    assertThat(r.candidates()).isEqualTo(2);
    assertThat(r.values()).extracting(Resolution.ValueSupport::value).containsExactly("\"b\"", "\"a\"");
    assertThat(r.values()).extracting(Resolution.ValueSupport::support).containsExactly(dec("1"), dec("1"));
    assertThat(r.winner()).isEqualTo(crmAfter);
    assertThat(r.runnerUp()).isEqualTo(web);
    assertThat(r.explain().decidedBy()).isEqualTo(DecidedBy.RECENCY);
  }

  @Test
  void theLaterObservationSupersedesWhateverTheApplyOrder() {
    // Applied later (index 9) but observed earlier: it does not replace the claim observed later.
    Assertion lateArrival = claim("crm", "\"c\"", t(5), 9);
    Resolution r = resolve(Lens.RECENCY, crmAfter, lateArrival, web);
    assertThat(r.winner()).isEqualTo(crmAfter);
    assertThat(r.candidates()).isEqualTo(2);
  }

  @Test
  void sameObservedAtWithinOneAgentTheGreaterIdIsEffective() {
    Assertion one = claim("crm", "\"a\"", t(10), 1);
    Assertion two = claim("crm", "\"b\"", t(10), 2);
    Resolution r = resolve(Lens.CONSENSUS, one, two);
    assertThat(r.candidates()).isEqualTo(1);
    assertThat(r.winner()).isEqualTo(greaterId(one, two));
    assertThat(r.values()).hasSize(1);
    assertThat(r.values().get(0).supporters()).containsExactly(greaterId(one, two));
    assertThat(r.contested()).isFalse();
    assertThat(r.winner()).isNotEqualTo(lesserId(one, two));
  }

  @Test
  void retractingTheLatestClaimMakesThePreviousOneEffectiveAgain() {
    Resolution r = resolve(Lens.RECENCY, crmBefore, crmAfter, web, retract(crmAfter, 4));
    assertThat(r.candidates()).isEqualTo(2);
    assertThat(r.winner()).isEqualTo(web);
    assertThat(r.runnerUp()).isEqualTo(crmBefore);
    assertThat(r.contested()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Lens.class)
  void candidatesCountsEffectiveClaimsNotEveryClaim(Lens lens) {
    Assertion crmMiddle = claim("crm", "\"c\"", t(20), 4);
    assertThat(resolve(lens, crmBefore, crmMiddle, crmAfter, web).candidates()).isEqualTo(2);
  }

  @Test
  void anAgentRepeatingItsValueSupportsItOnce() {
    Assertion again = claim("crm", "\"a\"", t(40), 4);
    Resolution r = resolve(Lens.CONSENSUS, crmBefore, again, web);
    assertThat(r.values()).hasSize(1);
    assertThat(r.values().get(0).support()).isEqualTo(dec("2"));
    assertThat(r.values().get(0).supporters()).containsExactly(again, web);
  }
}
