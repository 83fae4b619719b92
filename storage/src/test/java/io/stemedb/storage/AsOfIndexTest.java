package io.stemedb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.lenses.Lens;
import io.stemedb.lenses.Lenses;
import io.stemedb.lenses.ReadFilter;
import io.stemedb.lenses.Resolution;
import io.stemedb.model.Assertion;
import io.stemedb.model.Stance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read "as of index N" answers exactly what a read of the current state answered when N was the
 * applied index — through later claims, retractions, votes, authority changes and epoch openings.
 */
class AsOfIndexTest {
  @TempDir Path dir;

  private record Key(String subject, String predicate, Lens lens) {}

  @Test
  void readsAsOfAnIndexEqualTheAnswersRecordedWhenThatIndexWasApplied() {
    Random random = new Random(7);
    Map<Long, Map<Key, Optional<Resolution>>> recorded = new HashMap<>();
    List<Assertion> stored = new ArrayList<>();
    try (Store store = Store.open(dir.resolve("state.db"))) {
      for (long index = 1; index <= 120; index++) {
        store.apply(index, 1, List.of(randomRequest(random, stored, index)));
        Map<Key, Optional<Resolution>> answers = new HashMap<>();
        for (Key key : keys()) {
          answers.put(key, resolve(store, key, Long.MAX_VALUE));
        }
        recorded.put(index, answers);
        if (index % 40 == 0) {
          store.commit();
        }
      }
      int compared = 0;
      for (var atIndex : recorded.entrySet()) {
        for (var answer : atIndex.getValue().entrySet()) {
          assertThat(resolve(store, answer.getKey(), atIndex.getKey()))
              .as("%s as of %d", answer.getKey(), atIndex.getKey())
              .isEqualTo(answer.getValue());
          compared += answer.getValue().isPresent() ? 1 : 0;
        }
      }
      assertThat(compared).as("non-empty answers compared").isGreaterThan(500);
    }
  }

  private static List<Key> keys() {
    List<Key> keys = new ArrayList<>();
    for (String s : List.of("s0", "s1")) {
      for (String p : List.of("p0", "p1")) {
        for (Lens lens : Lens.values()) {
          keys.add(new Key(s, p, lens));
        }
      }
    }
    return keys;
  }

  private static Optional<Resolution> resolve(Store store, Key key, long asOfIndex) {
    long epoch = store.epoch(key.subject(), asOfIndex);
    ReadFilter filter = ReadFilter.epoch(epoch).withAsOfIndex(asOfIndex);
    return Lenses.resolve(
        key.lens(), store.records(key.subject(), key.predicate(), epoch, asOfIndex), filter,
        Lenses.DEFAULT_AUTHORITY);
  }

  private static List<Change> randomRequest(Random random, List<Assertion> stored, long index) {
    List<Change> request = new ArrayList<>();
    int kind = random.nextInt(20);
    if (kind < 11 || stored.isEmpty()) {
      for (int i = 0; i < 1 + random.nextInt(3); i++) {
        Assertion a =
            Fixtures.claim(
                "s" + random.nextInt(2), "p" + random.nextInt(2), String.valueOf(random.nextInt(3)),
                "agent" + random.nextInt(4), (1 + random.nextInt(10)) / 10.0,
                Fixtures.T0 + random.nextInt(1000) + index);
        if (stored.stream().noneMatch(s -> s.id().equals(a.id()))) {
          stored.add(a);
          request.add(Fixtures.add(a));
        }
      }
    } else if (kind < 14) {
      Assertion a = stored.get(random.nextInt(stored.size()));
      request.add(new Change.Retract(a.id(), a.agent(), false));
    } else if (kind < 17) {
      Assertion a = stored.get(random.nextInt(stored.size()));
      request.add(new Change.CastVote(a.id(), "voter" + random.nextInt(2),
          random.nextBoolean() ? Stance.ENDORSE : Stance.DISPUTE));
    } else if (kind < 19) {
      request.add(new Change.SetAgent("agent" + random.nextInt(4), random.nextInt(5), ""));
    } else {
      request.add(new Change.OpenEpoch(random.nextBoolean() ? "*" : "s" + random.nextInt(2), "test"));
    }
    return request;
  }
}
