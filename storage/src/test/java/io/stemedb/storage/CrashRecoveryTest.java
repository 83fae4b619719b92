package io.stemedb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.model.StoredRecord;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reopening after a clean close, and after an abrupt stop: a real writer process killed with SIGKILL
 * in the middle of applying. The store must come back with whole entries up to an index and nothing
 * after it, and a Merkle tree equal to one recomputed from the records.
 */
class CrashRecoveryTest {
  @TempDir Path dir;

  @Test
  void reopeningAfterCloseKeepsEverythingIncludingTheMerkleRoot() {
    Path file = dir.resolve("state.db");
    MerkleSummary before;
    try (Store store = Store.open(file)) {
      store.apply(1, 3, Fixtures.batch("a", 0, 500).toArray(Change[]::new));
      store.apply(2, 3, Fixtures.batch("b", 0, 500).toArray(Change[]::new));
      before = store.merkle();
    }
    try (Store store = Store.open(file)) {
      assertThat(store.appliedIndex()).isEqualTo(2);
      assertThat(store.appliedTerm()).isEqualTo(3);
      assertThat(store.merkle()).isEqualTo(before);
      assertThat(store.recordsAfter(0, 10_000)).hasSize(1000);
      assertThat(store.claimCount()).isEqualTo(1000);
    }
  }

  @Test
  void afterKillDashNineTheStoreHoldsWholeEntriesUpToItsAppliedIndexAndNothingLater() throws Exception {
    Path file = dir.resolve("state.db");
    Process writer =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                CrashWriter.class.getName(), file.toString())
            .redirectErrorStream(true)
            .start();
    long lastCommitted = 0;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("committed ")) {
          lastCommitted = Long.parseLong(line.substring("committed ".length()));
          if (lastCommitted >= 12) {
            break; // the writer is now in the middle of later entries
          }
        }
      }
      writer.destroyForcibly(); // SIGKILL: no shutdown hooks, no close
      assertThat(writer.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(lastCommitted).as("writer output").isGreaterThanOrEqualTo(12);

    try (Store store = Store.open(file)) {
      long applied = store.appliedIndex();
      assertThat(applied).isGreaterThanOrEqualTo(lastCommitted);
      Map<Long, Integer> perIndex = new TreeMap<>();
      List<StoredRecord> all = store.recordsAfter(0, Integer.MAX_VALUE);
      for (StoredRecord r : all) {
        perIndex.merge(r.index(), 1, Integer::sum);
      }
      assertThat(perIndex.keySet()).hasSize((int) applied);
      assertThat(perIndex.keySet()).allMatch(i -> i >= 1 && i <= applied);
      assertThat(perIndex.values()).allMatch(n -> n == CrashWriter.BATCH);
      assertThat(store.merkle().root()).isEqualTo(store.recomputeMerkle().rootHex());
      assertThat(store.merkle().records()).isEqualTo(all.size());

      // and it goes on accepting entries after the last one it holds
      store.apply(applied + 1, 2, Fixtures.batch("after", 0, 10).toArray(Change[]::new));
      assertThat(store.appliedIndex()).isEqualTo(applied + 1);
    }
  }
}
