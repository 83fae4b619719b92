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
import net.jqwik.api.constraints.Size;

/**
 * A store that commits and is reopened at random points (losing what it had not committed, which the
 * Raft log then replays, as a restarted node does) answers every read exactly as a store that applied
 * the same entries without ever committing — all of whose state is in its memtable, the model.
 */
class StoreReopenProperties {
  @Property(tries = 25)
  void commitsAndReopeningsChangeNoAnswer(
      @ForAll @IntRange(min = 0, max = 1_000_000) int seed,
      @ForAll @Size(min = 10, max = 60) List<@IntRange(min = 0, max = 9) Integer> actions) throws IOException {
    Path dir = Files.createTempDirectory("store-reopen");
    Random random = new Random(seed);
    List<List<Change>> log = new ArrayList<>(); // the "Raft log": entry i+1 is log.get(i)
    List<Assertion> claims = new ArrayList<>();
    int spill = Lsm.spillEntries;
    Lsm.spillEntries = 97; // memtables spill into pending runs within a test
    Store tested = Store.open(dir.resolve("tested.db"));
    try (Store model = Store.open(dir.resolve("model.db"))) {
      for (int action : actions) {
        if (action <= 6) {
          List<Change> entry = randomEntry(random, claims);
          log.add(entry);
          long index = log.size();
          assertThat(tested.apply(index, 1, List.of(entry))).isEqualTo(model.apply(index, 1, List.of(entry)));
        } else if (action <= 8) {
          tested.commit();
        } else {
          tested.close(); // commits: reopening after a clean close
          tested = Store.open(dir.resolve("tested.db"));
        }
        if (action == 5) {
          // a crash: reopen from the last commit without closing, then replay the rest of the log
          Path file = tested.file();
          long committedBefore = tested.committedIndex();
          crash(tested);
          tested = Store.open(file);
          assertThat(tested.appliedIndex()).isEqualTo(committedBefore);
          for (long i = tested.appliedIndex() + 1; i <= log.size(); i++) {
            tested.apply(i, 1, List.of(log.get((int) i - 1)));
          }
        }
        assertSameAnswers(tested, model, claims, random);
      }
    } finally {
      Lsm.spillEntries = spill;
      tested.close();
      try (var files = Files.walk(dir)) {
        files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** What a killed process leaves: the files as of the last commit (no close, so nothing else written). */
  private static void crash(Store store) {
    // Store.close commits; a crash must not. A failed store does not commit on close, so fail it first
    // with an entry it cannot apply (a null request fails inside apply, before anything is planned).
    try {
      store.apply(Long.MAX_VALUE, 1, java.util.Arrays.asList((List<Change>) null));
    } catch (StoreFailedException expected) {
      // now failed: close releases the files without committing
    }
    store.close();
  }

  private static List<Change> randomEntry(Random random, List<Assertion> claims) {
    List<Change> out = new ArrayList<>();
    int n = 1 + random.nextInt(20);
    for (int i = 0; i < n; i++) {
      int what = random.nextInt(10);
      if (what < 5 || claims.isEmpty()) {
        Assertion a = Fixtures.claim("s" + random.nextInt(6), "p" + random.nextInt(3), "" + random.nextInt(40),
            "agent" + random.nextInt(4));
        claims.add(a);
        out.add(Fixtures.add(a));
      } else {
        Assertion a = claims.get(random.nextInt(claims.size()));
        switch (what) {
          case 5, 6 -> out.add(new Change.CastVote(a.id(), "agent" + random.nextInt(4),
              random.nextBoolean() ? Stance.ENDORSE : Stance.DISPUTE));
          case 7 -> out.add(new Change.Retract(a.id(), a.agent(), false));
          case 8 -> out.add(new Change.SetAgent("agent" + random.nextInt(4), random.nextInt(5), ""));
          default -> out.add(new Change.OpenEpoch(random.nextBoolean() ? "*" : "s" + random.nextInt(6), "r",
              random.nextBoolean() ? "req" + random.nextInt(3) : null));
        }
      }
    }
    return out;
  }

  private static void assertSameAnswers(Store tested, Store model, List<Assertion> claims, Random random) {
    assertThat(tested.appliedIndex()).isEqualTo(model.appliedIndex());
    assertThat(tested.merkle()).isEqualTo(model.merkle());
    assertThat(tested.claimCount()).isEqualTo(model.claimCount());
    long applied = model.appliedIndex();
    long asOf = applied == 0 ? 0 : 1 + random.nextInt((int) applied);
    for (int s = 0; s < 6; s++) {
      String subject = "s" + s;
      assertThat(tested.epoch(subject, asOf)).isEqualTo(model.epoch(subject, asOf));
      for (long epoch = 0; epoch < 3; epoch++) {
        assertThat(tested.predicates(subject, epoch, asOf)).isEqualTo(model.predicates(subject, epoch, asOf));
        for (int p = 0; p < 3; p++) {
          assertThat(tested.records(subject, "p" + p, epoch, asOf)).isEqualTo(model.records(subject, "p" + p, epoch, asOf));
        }
      }
      assertThat(tested.history(subject, null, asOf / 2, 50)).isEqualTo(model.history(subject, null, asOf / 2, 50));
    }
    assertThat(tested.agents(asOf)).isEqualTo(model.agents(asOf));
    assertThat(tested.recordsAfter(asOf / 2, 1000)).isEqualTo(model.recordsAfter(asOf / 2, 1000));
    if (!claims.isEmpty()) {
      Assertion a = claims.get(random.nextInt(claims.size()));
      assertThat(tested.claim(a.id())).isEqualTo(model.claim(a.id()));
      assertThat(tested.retraction(a.id())).isEqualTo(model.retraction(a.id()));
      assertThat(tested.votes(a.id())).isEqualTo(model.votes(a.id()));
    }
  }
}
