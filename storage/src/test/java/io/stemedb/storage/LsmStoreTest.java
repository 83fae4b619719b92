package io.stemedb.storage;

import static io.stemedb.storage.Fixtures.add;
import static io.stemedb.storage.Fixtures.claim;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemedb.lenses.Records;
import io.stemedb.model.Assertion;
import io.stemedb.model.Stance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log-structured parts of the store: runs, compaction, the manifest, and reads beside writes. */
class LsmStoreTest {
  @TempDir Path dir;

  /** Entry {@code index}: one claim on each of the keys s0..s9 / p, plus filler claims, votes and settings. */
  private static List<Change> entry(long index) {
    List<Change> out = new ArrayList<>();
    for (int k = 0; k < 10; k++) {
      out.add(add(claim("s" + k, "p", "\"v" + index + "\"", "agent" + (index % 7))));
    }
    Assertion filler = claim("f" + index, "q" + (index % 5), "" + index, "agent" + (index % 3));
    out.add(add(filler));
    out.add(new Change.CastVote(filler.id(), "voter", index % 2 == 0 ? Stance.ENDORSE : Stance.DISPUTE));
    out.addAll(Fixtures.batch("b" + index, 0, 20));
    if (index % 17 == 0) {
      out.add(new Change.SetAgent("agent" + (index % 7), index % 9, "as of " + index));
      out.add(new Change.OpenEpoch("f" + index, "reset"));
    }
    return out;
  }

  private record Answers(String root, long claims, Map<String, Records> records, List<String> predicates,
      int recordsAfter, List<?> agents, long epoch) {}

  private static Answers answers(Store store, long asOf) {
    Map<String, Records> records = new HashMap<>();
    for (int k = 0; k < 10; k++) {
      records.put("s" + k, store.records("s" + k, "p", 0, asOf));
    }
    for (long i = 1; i <= asOf; i += 13) {
      records.put("f" + i, store.records("f" + i, "q" + (i % 5), 0, asOf));
    }
    return new Answers(store.merkle().root(), store.claimCount(), records, store.predicates("s3", 0, asOf),
        store.recordsAfter(0, Integer.MAX_VALUE).size(), store.agents(asOf), store.epoch("f17", asOf));
  }

  @Test
  void reopeningAfterManyCommitsAndCompactionsGivesTheSameAnswersAndMerkleRoot() throws Exception {
    Path file = dir.resolve("state.db");
    Answers before;
    try (Store store = Store.open(file)) {
      for (long i = 1; i <= 300; i++) {
        store.apply(i, 1, entry(i).toArray(Change[]::new));
        store.commit(); // a run per entry: compaction has to keep up
      }
      before = answers(store, 300);
      assertThat(store.recomputeMerkle().rootHex()).isEqualTo(before.root());
    }
    long runFiles = runFiles(file);
    // 300 runs of ~100 entries, merged by tiers of 4: a handful remain, never hundreds
    assertThat(runFiles).isLessThan(20);
    try (Store store = Store.open(file)) {
      assertThat(store.appliedIndex()).isEqualTo(300);
      assertThat(answers(store, 300)).isEqualTo(before);
      assertThat(store.recomputeMerkle().rootHex()).isEqualTo(before.root());
      assertThat(store.records("s1", "p", 0, 300).assertions()).hasSize(300);
      assertThat(store.records("s1", "p", 0, 120).assertions()).hasSize(120);
      // and it goes on from there
      store.apply(301, 1, entry(301).toArray(Change[]::new));
      assertThat(store.records("s1", "p", 0, 301).assertions()).hasSize(301);
    }
  }

  private static long runFiles(Path file) throws Exception {
    try (Stream<Path> files = Files.list(file.getParent())) {
      return files.filter(p -> p.getFileName().toString().startsWith(file.getFileName() + ".run-")).count();
    }
  }

  @Test
  void aCrashAfterTheRunWasWrittenButBeforeTheManifestSwapLeavesThePreviousState() throws Exception {
    Path file = dir.resolve("state.db");
    byte[] manifestAtTwo;
    Answers atTwo;
    try (Store store = Store.open(file)) {
      store.apply(1, 1, entry(1).toArray(Change[]::new));
      store.apply(2, 1, entry(2).toArray(Change[]::new));
      store.commit();
      atTwo = answers(store, 2);
      manifestAtTwo = Files.readAllBytes(file);
      store.apply(3, 1, entry(3).toArray(Change[]::new));
      store.commit(); // writes run 2, then the manifest naming it
    }
    Path orphan = Manifest.runPath(file, 2);
    assertThat(orphan).exists();
    // The crash: run 2 is on disk, the manifest swap never happened; plus a half-written run.
    Files.write(file, manifestAtTwo);
    Path torn = Manifest.runPath(file, 3);
    Files.write(torn, new byte[] {1, 2, 3});

    try (Store store = Store.open(file)) {
      assertThat(store.appliedIndex()).isEqualTo(2);
      assertThat(answers(store, 2)).isEqualTo(atTwo);
      assertThat(store.recordsAfter(2, 1000)).isEmpty();
      assertThat(orphan).doesNotExist();
      assertThat(torn).doesNotExist();
      // the Raft log replays entry 3, which applies as it did the first time
      store.apply(3, 1, entry(3).toArray(Change[]::new));
      assertThat(store.records("s0", "p", 0, 3).assertions()).hasSize(3);
    }
  }

  @Test
  void aFailedCommitLeavesTheStoreRefusingWritesAndTheFilesAtTheLastCommit() throws Exception {
    Path file = dir.resolve("state.db");
    try (Store store = Store.open(file)) {
      store.apply(1, 1, entry(1).toArray(Change[]::new));
      store.commit();
      store.apply(2, 1, entry(2).toArray(Change[]::new));
      // the next run's file name is taken by a directory: writing the run fails
      Path blocker = Files.createDirectory(Manifest.runPath(file, 2));
      assertThatThrownBy(store::commit).isInstanceOf(StoreFailedException.class);
      assertThatThrownBy(() -> store.apply(3, 1, entry(3).toArray(Change[]::new)))
          .isInstanceOf(StoreFailedException.class);
      assertThatThrownBy(store::commit).isInstanceOf(StoreFailedException.class);
      Files.delete(blocker);
    }
    try (Store store = Store.open(file)) {
      assertThat(store.appliedIndex()).isEqualTo(1);
      assertThat(store.committedIndex()).isEqualTo(1);
      assertThat(store.records("s0", "p", 0, 10).assertions()).hasSize(1);
      assertThat(store.merkle().root()).isEqualTo(store.recomputeMerkle().rootHex());
    }
  }

  @Test
  void aStoreIsOpenOnceAtATime() {
    Path file = dir.resolve("state.db");
    try (Store store = Store.open(file)) {
      assertThatThrownBy(() -> Store.open(file)).isInstanceOf(IllegalStateException.class);
    }
    Store.open(file).close(); // free again once closed
  }

  @Test
  void aReaderSeesAConsistentStateAsOfTheAppliedIndexWhileEntriesApplyCommitAndCompact() throws Exception {
    try (Store store = Store.open(dir.resolve("state.db"))) {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread writer = new Thread(() -> {
        try {
          for (long i = 1; i <= 400; i++) {
            store.apply(i, 1, entry(i).toArray(Change[]::new));
            if (i % 2 == 0) {
              store.commit();
            }
          }
        } catch (Throwable t) {
          failure.set(t);
        }
      });
      writer.start();
      Random random = new Random(3);
      long reads = 0;
      while (writer.isAlive() || reads < 200) {
        long asOf = store.appliedIndex();
        String subject = "s" + random.nextInt(10);
        Records r = store.records(subject, "p", 0, asOf);
        // entry i added exactly one claim on every s<k>/p: as of N there are N, at indexes 1..N
        assertThat(r.assertions()).as("claims on %s as of %d", subject, asOf).hasSize((int) asOf);
        for (int j = 0; j < r.assertions().size(); j++) {
          assertThat(r.assertions().get(j).index()).isEqualTo(j + 1);
        }
        if (asOf > 0) {
          long f = 1 + random.nextInt((int) asOf);
          Records filler = store.records("f" + f, "q" + (f % 5), 0, asOf);
          assertThat(filler.assertions()).hasSize(1);
          assertThat(filler.votes()).hasSize(1);
          assertThat(store.recordsAfter(asOf - 1, 1)).hasSize(entry(asOf).size()); // one record per change
        }
        reads++;
      }
      writer.join();
      assertThat(failure.get()).isNull();
      assertThat(reads).isGreaterThan(100);
      assertThat(store.merkle().root()).isEqualTo(store.recomputeMerkle().rootHex());
    }
  }
}
