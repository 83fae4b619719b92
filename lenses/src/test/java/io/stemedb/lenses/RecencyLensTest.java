package io.stemedb.lenses;

import static io.stemedb.lenses.Fixture.claim;
import static io.stemedb.lenses.Fixture.greaterId;
import static io.stemedb.lenses.Fixture.lesserId;
import static io.stemedb.lenses.Fixture.resolve;
import static io.stemedb.lenses.Fixture.t;
import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.model.Assertion;
import org.junit.jupiter.api.Test;

/** The recency lens: later observedAt, then greater id. */
class RecencyLensTest {
  @Test
  void theLaterObservationWins() {
    Assertion older = claim("crm", "\"a@b.com\"", t(10), 1.0, 7);
    Assertion newer = claim("web", "\"x@y.com\"", t(20), 0.1, 1);
    Resolution r = resolve(Lens.RECENCY, older, newer);
    assertThat(r.lens()).isEqualTo(Lens.RECENCY);
    assertThat(r.winner()).isEqualTo(newer);
    assertThat(r.value()).isEqualTo("\"x@y.com\"");
    assertThat(r.runnerUp()).isEqualTo(older);
    assertThat(r.candidates()).isEqualTo(2);
    assertThat(r.contested()).isTrue();
    assertThat(r.values()).isNull();
    assertThat(r.explain())
        .isEqualTo(
            new Resolution.Explanation(
                DecidedBy.RECENCY,
                "web (observed 2026-11-01T10:00:20.000Z) over crm (observed 2026-11-01T10:00:10.000Z)"));
  }

  @Test
  void atTheSameInstantTheGreaterIdWins() {
    Assertion one = claim("crm", "\"a\"", t(10), 1);
    Assertion two = claim("web", "\"b\"", t(10), 2);
    Resolution r = resolve(Lens.RECENCY, one, two);
    assertThat(r.winner()).isEqualTo(greaterId(one, two));
    assertThat(r.runnerUp()).isEqualTo(lesserId(one, two));
    assertThat(r.explain().decidedBy()).isEqualTo(DecidedBy.ID);
    assertThat(r.explain().detail())
        .startsWith(greaterId(one, two).agent() + " (id " + greaterId(one, two).id().substring(0, 12))
        .endsWith(", both observed 2026-11-01T10:00:10.000Z");
  }

  @Test
  void oneCandidateIsTheOnlyCandidate() {
    Assertion only = claim("crm", "\"a\"", t(10), 1);
    Resolution r = resolve(Lens.RECENCY, only);
    assertThat(r.winner()).isEqualTo(only);
    assertThat(r.runnerUp()).isNull();
    assertThat(r.candidates()).isEqualTo(1);
    assertThat(r.contested()).isFalse();
    assertThat(r.explain()).isEqualTo(new Resolution.Explanation(DecidedBy.ONLY_CANDIDATE, "only one candidate"));
  }

  @Test
  void equalValuesWrittenDifferentlyAreNotContested() {
    Assertion a = claim("crm", "{\"a\":1,\"b\":2}", t(10), 1);
    Assertion b = claim("web", "{\"b\":2,\"a\":1}", t(20), 2);
    Assertion c = claim("bot", "{ \"b\" : 2.0, \"a\" : 1.0 }", t(5), 3);
    Resolution r = resolve(Lens.RECENCY, a, b, c);
    assertThat(r.contested()).isFalse();
    assertThat(r.candidates()).isEqualTo(3);
    assertThat(r.value()).isEqualTo("{\"a\":1,\"b\":2}");
  }

  @Test
  void anyOtherValueMakesItContested() {
    Assertion a = claim("crm", "1", t(10), 1);
    Assertion b = claim("web", "1.0", t(20), 2);
    Assertion c = claim("bot", "\"1\"", t(5), 3);
    assertThat(resolve(Lens.RECENCY, a, b).contested()).isFalse();
    assertThat(resolve(Lens.RECENCY, a, b, c).contested()).isTrue();
  }
}
