package io.stemedb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.model.Assertion;
import io.stemedb.model.Stance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The Merkle root is a function of the set of records: the same claims applied in any order and any
 * batching, at any log positions, give the same root; one differing record gives a different root.
 */
class MerkleOrderTest {

  private static List<Change> records(long seed) {
    Random random = new Random(seed);
    List<Assertion> claims = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      int value = random.nextInt(4);
      int agent = random.nextInt(6);
      // Confidence follows from the id's content, so a repeated claim is an exact duplicate (a no-op),
      // never a conflict: conflicts reject a whole batch, which rightly depends on the batching.
      claims.add(
          Fixtures.claim(
              "s" + random.nextInt(5), "p" + random.nextInt(3), String.valueOf(value),
              "a" + agent, (value + agent + 1) / 10.0, Fixtures.T0 + random.nextInt(3)));
    }
    List<Change> out = new ArrayList<>();
    for (Assertion a : claims) {
      out.add(Fixtures.add(a));
    }
    return out;
  }

  /**
   * Votes and retractions for claims (they must follow the claims they refer to), at most one vote per
   * (voter, claim): a voter's successive votes are a history whose order is the log's, by design.
   */
  private static List<Change> followUps(List<Change> claims) {
    List<Change> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < claims.size(); i += 7) {
      Assertion a = ((Change.AddClaim) claims.get(i)).claim();
      if (!seen.add(a.id())) {
        continue;
      }
      out.add(new Change.CastVote(a.id(), "voter" + (i % 2), i % 3 == 0 ? Stance.DISPUTE : Stance.ENDORSE));
      if (i % 14 == 0) {
        out.add(new Change.Retract(a.id(), a.agent(), false));
      }
    }
    return out;
  }

  private static String rootAfter(List<Change> changes, int batchSize, long firstIndex) throws IOException {
    Path dir = Files.createTempDirectory("merkle");
    try (Store store = Store.open(dir.resolve("state.db"))) {
      long index = firstIndex;
      for (int i = 0; i < changes.size(); i += batchSize) {
        store.apply(index, 1, changes.subList(i, Math.min(changes.size(), i + batchSize)).toArray(Change[]::new));
        index += 1 + (index % 3); // log positions differ too
      }
      return store.merkle().root();
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Property(tries = 15)
  void sameRecordsInAnyOrderAndBatchingGiveTheSameRoot(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int batchSize, @ForAll long shuffleSeed)
      throws IOException {
    List<Change> claims = records(seed);
    List<Change> later = followUps(claims);
    List<Change> inOrder = new ArrayList<>(claims);
    inOrder.addAll(later);

    List<Change> shuffledClaims = new ArrayList<>(claims);
    Collections.shuffle(shuffledClaims, new Random(shuffleSeed));
    List<Change> shuffledLater = new ArrayList<>(later);
    Collections.shuffle(shuffledLater, new Random(shuffleSeed));
    List<Change> shuffled = new ArrayList<>(shuffledClaims);
    shuffled.addAll(shuffledLater);

    assertThat(rootAfter(shuffled, batchSize, 1 + Math.floorMod(shuffleSeed, 1000)))
        .isEqualTo(rootAfter(inOrder, 1000, 1));
  }

  @Property(tries = 10)
  void oneDifferingRecordGivesADifferentRoot(@ForAll long seed, @ForAll @IntRange(min = 0, max = 59) int which)
      throws IOException {
    List<Change> claims = records(seed);
    List<Change> altered = new ArrayList<>(claims);
    Assertion a = ((Change.AddClaim) altered.get(which)).claim();
    double otherConfidence = a.confidence() == 1.0 ? 0.5 : 1.0;
    altered.set(which, Fixtures.add(Assertion.claim(
        a.subject(), a.predicate(), a.value(), a.agent(), otherConfidence, a.observedAt(), a.source())));
    // the altered claim may duplicate another one's id: only compare when the sets really differ
    long distinctOriginal = claims.stream().map(c -> ((Change.AddClaim) c).claim().id()).distinct().count();
    long firstCopies = claims.stream().filter(c -> ((Change.AddClaim) c).claim().id().equals(a.id())).count();
    if (firstCopies == 1 && distinctOriginal == claims.size()) {
      assertThat(rootAfter(altered, 10, 1)).isNotEqualTo(rootAfter(claims, 10, 1));
    }
  }
}
