package io.stemedb.lenses;

import static io.stemedb.lenses.Fixture.authority;
import static io.stemedb.lenses.Fixture.claim;
import static io.stemedb.lenses.Fixture.dispute;
import static io.stemedb.lenses.Fixture.records;
import static io.stemedb.lenses.Fixture.resolve;
import static io.stemedb.lenses.Fixture.t;
import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.model.Assertion;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The all lens: the consensus ranking of values, with no winner named. */
class AllLensTest {
  static Stream<Arguments> cases() {
    Assertion a = claim("crm", "\"a\"", t(10), 1);
    Assertion aLater = claim("bot", "\"a\"", t(15), 2);
    Assertion aSameTime = claim("bot", "\"a\"", t(10), 2);
    Assertion b = claim("web", "\"b\"", t(20), 3);
    Assertion bSameTime = claim("web", "\"b\"", t(10), 3);
    return Stream.of(
        Arguments.of("one claim", records(a), DecidedBy.ONLY_CANDIDATE, false),
        Arguments.of("support", records(a, b, authority("crm", 3, 1)), DecidedBy.SUPPORT, true),
        Arguments.of("disputed", records(a, b, dispute("v", b, 5)), DecidedBy.SUPPORT, true),
        Arguments.of("recency between values", records(a, b), DecidedBy.RECENCY, true),
        Arguments.of("id between values", records(a, bSameTime), DecidedBy.ID, true),
        Arguments.of("one value, recency", records(a, aLater), DecidedBy.RECENCY, false),
        Arguments.of("one value, id", records(a, aSameTime), DecidedBy.ID, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void showsTheConsensusRankingWithoutAWinner(
      String name, Records records, DecidedBy decidedBy, boolean contested) {
    Resolution all = resolve(Lens.ALL, records);
    Resolution consensus = resolve(Lens.CONSENSUS, records);
    assertThat(all.lens()).isEqualTo(Lens.ALL);
    assertThat(all.winner()).isNull();
    assertThat(all.runnerUp()).isNull();
    assertThat(all.value()).isNull();
    assertThat(all.values()).isNotNull().isEqualTo(consensus.values());
    assertThat(all.explain()).isEqualTo(consensus.explain());
    assertThat(all.explain().decidedBy()).isEqualTo(decidedBy);
    assertThat(all.contested()).isEqualTo(contested);
    assertThat(all.candidates()).isEqualTo(consensus.candidates());
  }
}
