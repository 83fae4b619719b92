package io.stemedb.lenses;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.model.AgentSetting;
import io.stemedb.model.Assertion;
import io.stemedb.model.Retraction;
import io.stemedb.model.Stance;
import io.stemedb.model.Vote;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The brief's law: a lens is a pure function of the <em>set</em> of records. Whatever the arrival
 * order, duplication or batching, every lens answers with an equal {@link Resolution}.
 *
 * <p>The generator draws from small pools — four claiming agents, two more voters, values that are
 * equal in different spellings, four instants, a dozen log indexes — so that conflicts, supersession,
 * ties down to the id, votes, retractions and authority changes actually occur.
 */
class SetSemanticsPropertyTest {
  private static final List<String> AGENTS = List.of("crm", "web", "bot", "app");
  private static final List<String> VOTERS = List.of("crm", "web", "bot", "app", "v1", "v2");
  private static final List<String> VALUES =
      List.of("\"a\"", "\"b\"", "1", "1.0", "{\"x\":1,\"y\":2}", "{\"y\":2,\"x\":1}", "null");
  private static final int MAX_INDEX = 12;

  @Property(tries = 400)
  void anyPermutationGivesTheSameAnswer(
      @ForAll("recordSets") Records records, @ForAll("filters") ReadFilter filter, @ForAll Random random) {
    Records shuffled =
        new Records(
            shuffled(records.assertions(), random),
            shuffled(records.retractions(), random),
            shuffled(records.votes(), random),
            shuffled(records.agentSettings(), random));
    assertSameAnswers(records, shuffled, filter);
  }

  @Property(tries = 400)
  void duplicatesChangeNothing(
      @ForAll("recordSets") Records records, @ForAll("filters") ReadFilter filter, @ForAll Random random) {
    Records duplicated =
        new Records(
            withDuplicates(records.assertions(), random),
            withDuplicates(records.retractions(), random),
            withDuplicates(records.votes(), random),
            withDuplicates(records.agentSettings(), random));
    assertSameAnswers(records, duplicated, filter);
  }

  @Property(tries = 400)
  void anyBatchingMergedInAnyOrderGivesTheSameAnswer(
      @ForAll("recordSets") Records records, @ForAll("filters") ReadFilter filter, @ForAll Random random) {
    // Every record lands in at least one batch, some in several (an import repeated in part).
    int batches = 1 + random.nextInt(4);
    List<List<Object>> parts = new ArrayList<>();
    for (int i = 0; i < batches; i++) {
      parts.add(new ArrayList<>());
    }
    for (Object item : all(records)) {
      parts.get(random.nextInt(batches)).add(item);
      if (random.nextInt(5) == 0) {
        parts.get(random.nextInt(batches)).add(item);
      }
    }
    Collections.shuffle(parts, random);
    Records merged = Records.EMPTY;
    for (List<Object> part : parts) {
      Collections.shuffle(part, random);
      merged = merged.merge(Fixture.records(part.toArray()));
    }
    assertSameAnswers(records, merged, filter);
  }

  /** Not order-independence but consistency of one answer with itself, on the same random inputs. */
  @Property(tries = 400)
  void consensusAnswersAreSelfConsistent(
      @ForAll("recordSets") Records records, @ForAll("filters") ReadFilter filter) {
    Optional<Resolution> found = Fixture.resolve(Lens.CONSENSUS, records, filter);
    found.ifPresent(
        r -> {
          assertThat(r.values()).isNotEmpty();
          assertThat(r.value()).isEqualTo(r.values().get(0).value());
          assertThat(r.winner()).isEqualTo(r.values().get(0).supporters().get(0));
          assertThat(r.values().stream().mapToInt(v -> v.supporters().size()).sum())
              .isEqualTo(r.candidates());
          assertThat(r.contested()).isEqualTo(r.values().size() > 1);
          assertThat(r.runnerUp() == null).isEqualTo(r.candidates() == 1);
          for (int i = 1; i < r.values().size(); i++) {
            assertThat(r.values().get(i - 1).support()).isGreaterThanOrEqualTo(r.values().get(i).support());
          }
        });
    for (Lens lens : Lens.values()) {
      Optional<Resolution> other = Fixture.resolve(lens, records, filter);
      assertThat(other.isPresent()).isEqualTo(found.isPresent());
      other.ifPresent(
          r -> {
            assertThat(r.candidates()).isEqualTo(found.get().candidates());
            assertThat(r.contested()).isEqualTo(found.get().contested());
          });
    }
  }

  private static void assertSameAnswers(Records expected, Records actual, ReadFilter filter) {
    for (Lens lens : Lens.values()) {
      assertThat(Fixture.resolve(lens, actual, filter))
          .as("lens %s", lens.wireName())
          .isEqualTo(Fixture.resolve(lens, expected, filter));
    }
  }

  // ---- generators ----

  @Provide
  Arbitrary<Records> recordSets() {
    Arbitrary<Assertion> claims =
        Combinators.combine(
                Arbitraries.of(AGENTS),
                Arbitraries.of(VALUES),
                Arbitraries.integers().between(0, 3),
                Arbitraries.of(0.1, 0.2, 0.3, 0.5, 1.0),
                indexes(),
                Arbitraries.frequency(Tuple.of(5, 0L), Tuple.of(1, 1L)))
            .as(
                (agent, value, second, confidence, index, epoch) ->
                    Fixture.claimIn(epoch, agent, value, Fixture.t(second), confidence, index));
    Arbitrary<int[]> retractions = Combinators.combine(picks(), indexes()).as((pick, index) -> new int[] {pick, index});
    Arbitrary<Object[]> votes =
        Combinators.combine(picks(), Arbitraries.of(VOTERS), Arbitraries.of(Stance.class), indexes())
            .as((pick, voter, stance, index) -> new Object[] {pick, voter, stance, index});
    Arbitrary<AgentSetting> settings =
        Combinators.combine(Arbitraries.of(VOTERS), Arbitraries.of(0.0, 0.1, 0.2, 0.3, 1.0, 2.5), indexes())
            .as((agent, authority, index) -> new AgentSetting(agent, authority, "", index));
    return Combinators.combine(
            claims.list().ofMinSize(1).ofMaxSize(9),
            retractions.list().ofMaxSize(3),
            votes.list().ofMaxSize(6),
            settings.list().ofMaxSize(5))
        .as(
            (cs, rs, vs, ss) -> {
              List<Retraction> retracted = new ArrayList<>();
              for (int[] r : rs) {
                Assertion target = cs.get(r[0] % cs.size());
                retracted.add(new Retraction(target.id(), target.agent(), false, Math.max(r[1], target.index())));
              }
              List<Vote> cast = new ArrayList<>();
              for (Object[] v : vs) {
                Assertion target = cs.get((Integer) v[0] % cs.size());
                cast.add(new Vote(target.id(), (String) v[1], (Stance) v[2], Math.max((Integer) v[3], target.index())));
              }
              return new Records(cs, retracted, cast, ss);
            });
  }

  @Provide
  Arbitrary<ReadFilter> filters() {
    Arbitrary<Long> asOfIndex =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(Long.MAX_VALUE)),
            Tuple.of(2, Arbitraries.longs().between(1, MAX_INDEX)));
    Arbitrary<Long> asOf = Arbitraries.of(Fixture.t(1), Fixture.t(2)).injectNull(0.7);
    Arbitrary<Set<String>> agents = Arbitraries.of(AGENTS).set().ofMinSize(1).ofMaxSize(3).injectNull(0.7);
    Arbitrary<Double> minConfidence = Arbitraries.of(0.2, 0.5).injectNull(0.7);
    return Combinators.combine(
            Arbitraries.frequency(Tuple.of(5, 0L), Tuple.of(1, 1L)), asOfIndex, asOf, agents, minConfidence)
        .as(ReadFilter::new);
  }

  private static Arbitrary<Integer> indexes() {
    return Arbitraries.integers().between(1, MAX_INDEX);
  }

  private static Arbitrary<Integer> picks() {
    return Arbitraries.integers().between(0, 99);
  }

  // ---- helpers ----

  private static <T> List<T> shuffled(List<T> items, Random random) {
    List<T> copy = new ArrayList<>(items);
    Collections.shuffle(copy, random);
    return copy;
  }

  private static <T> List<T> withDuplicates(List<T> items, Random random) {
    List<T> copy = new ArrayList<>(items);
    for (T item : items) {
      for (int n = random.nextInt(3); n > 0; n--) {
        copy.add(item);
      }
    }
    Collections.shuffle(copy, random);
    return copy;
  }

  private static List<Object> all(Records records) {
    List<Object> all = new ArrayList<>();
    all.addAll(records.assertions());
    all.addAll(records.retractions());
    all.addAll(records.votes());
    all.addAll(records.agentSettings());
    return all;
  }
}
