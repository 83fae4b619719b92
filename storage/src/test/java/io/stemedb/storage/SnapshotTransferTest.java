package io.stemedb.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemedb.model.Assertion;
import io.stemedb.model.Stance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotTransferTest {
  @TempDir Path dir;

  @Test
  void chunksBoundedByAnIndexRestoreTheExactStateAtThatIndexWhileLaterEntriesApply() {
    try (Store source = Store.open(dir.resolve("source.db"));
        Store copy = Store.open(dir.resolve("copy.db"))) {
      for (long i = 1; i <= 30; i++) {
        source.apply(i, 2, Fixtures.batch("x" + i, 0, 50).toArray(Change[]::new));
      }
      Assertion a = Fixtures.claim("s", "p", "1", "x");
      source.apply(31, 2, Fixtures.add(a), new Change.CastVote(a.id(), "y", Stance.ENDORSE),
          new Change.SetAgent("x", 3, "d"), new Change.OpenEpoch("*", "r", "key-1"));
      MerkleSummary at31 = source.merkle();

      // later entries arrive while the transfer runs
      List<LogRecord> transferred = new ArrayList<>();
      long afterIndex = 0;
      int afterSeq = -1;
      long next = 32;
      while (true) {
        List<LogRecord> chunk = source.logChunk(afterIndex, afterSeq, 31, 97);
        source.apply(next++, 2, Fixtures.batch("later" + next, 0, 20).toArray(Change[]::new));
        if (chunk.isEmpty()) {
          break;
        }
        transferred.addAll(chunk);
        LogRecord last = chunk.get(chunk.size() - 1);
        afterIndex = last.index();
        afterSeq = last.seq();
      }

      copy.restore(transferred, 31, 2);

      assertThat(copy.merkle()).isEqualTo(at31);
      assertThat(copy.appliedIndex()).isEqualTo(31);
      assertThat(copy.appliedTerm()).isEqualTo(2);
      assertThat(copy.claim(a.id())).isEqualTo(source.claim(a.id()));
      assertThat(copy.records("s", "p", 0, 31)).isEqualTo(source.records("s", "p", 0, 31));
      assertThat(copy.recomputeMerkle().rootHex()).isEqualTo(at31.root());
      // the idempotency key came along: a retry on the copy is a no-op there too
      assertThat(copy.apply(32, 2, new Change.OpenEpoch("*", "r", "key-1")).only().get(0).status())
          .isEqualTo(Outcome.Status.UNCHANGED);
      assertThatThrownBy(() -> copy.restore(transferred, 31, 2)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void aCheckpointsFilesCopiedInChunksAreTheStoreAtItsCommitEvenAfterCompactionReplacedThem() throws Exception {
    try (Store source = Store.open(dir.resolve("leader").resolve("state.db"))) {
      for (long i = 1; i <= 6; i++) {
        source.apply(i, 2, Fixtures.batch("x" + i, 0, 200).toArray(Change[]::new));
        source.commit(); // a run per commit: enough for a merge
      }
      source.apply(7, 2, Fixtures.batch("uncommitted", 0, 10).toArray(Change[]::new)); // not in the checkpoint
      MerkleSummary at6;
      try (Store probe = Store.open(dir.resolve("probe").resolve("state.db"))) {
        for (long i = 1; i <= 6; i++) {
          probe.apply(i, 2, Fixtures.batch("x" + i, 0, 200).toArray(Change[]::new));
        }
        at6 = probe.merkle();
      }

      Path target = dir.resolve("follower").resolve("state.db");
      try (StoreCheckpoint cp = source.checkpoint()) {
        assertThat(cp.index()).isEqualTo(6);
        assertThat(cp.term()).isEqualTo(2);
        assertThat(cp.files().get(cp.files().size() - 1).name()).isEqualTo(StoreCheckpoint.MANIFEST);
        // compaction goes on and replaces the pinned runs; their files stay until the checkpoint closes
        for (long i = 8; i <= 14; i++) {
          source.apply(i, 2, Fixtures.batch("later" + i, 0, 50).toArray(Change[]::new));
          source.commit();
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (source.runCount() > 4 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(source.runCount()).as("merged meanwhile").isLessThanOrEqualTo(4);

        try (CheckpointInstall install = new CheckpointInstall(target, cp.files())) {
          for (StoreCheckpoint.StoreFile f : cp.files()) {
            long offset = 0;
            while (offset < f.size()) {
              byte[] chunk = cp.read(f.name(), offset, 4099);
              assertThat(chunk.length).isPositive();
              install.write(f.name(), offset, chunk);
              offset += chunk.length;
            }
          }
          install.finish();
        }
      }
      try (Store copy = Store.open(target)) {
        assertThat(copy.appliedIndex()).isEqualTo(6);
        assertThat(copy.appliedTerm()).isEqualTo(2);
        assertThat(copy.merkle()).isEqualTo(at6);
        assertThat(copy.recomputeMerkle().rootHex()).isEqualTo(at6.root());
        assertThat(copy.records("s:x10", "p1", 0, 6)).isEqualTo(source.records("s:x10", "p1", 0, 6));
        // and it goes on applying from there
        copy.apply(7, 2, Fixtures.batch("uncommitted", 0, 10).toArray(Change[]::new));
        assertThat(copy.appliedIndex()).isEqualTo(7);
      }
      // the replaced runs were deleted once the checkpoint let go of them
      try (var files = Files.list(dir.resolve("leader"))) {
        assertThat(files.filter(p -> p.getFileName().toString().matches("state\\.db\\.run-\\d+")).count())
            .isEqualTo(source.runCount());
      }
    }
  }

  @Test
  void anIncompleteOrForeignCopyIsRefusedAndLeavesNoStore() throws Exception {
    try (Store source = Store.open(dir.resolve("leader").resolve("state.db"))) {
      source.apply(1, 1, Fixtures.batch("x", 0, 50).toArray(Change[]::new));
      source.commit();
      Path target = dir.resolve("follower").resolve("state.db");
      try (StoreCheckpoint cp = source.checkpoint(); CheckpointInstall install = new CheckpointInstall(target, cp.files())) {
        assertThatThrownBy(() -> new CheckpointInstall(dir.resolve("other").resolve("state.db"),
            List.of(new StoreCheckpoint.StoreFile("../escape", 1)))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> install.write("run-999", 0, new byte[1])).as("not in the list")
            .isInstanceOf(IllegalArgumentException.class);
        StoreCheckpoint.StoreFile first = cp.files().get(0);
        install.write(first.name(), 0, cp.read(first.name(), 0, 10));
        assertThatThrownBy(() -> install.write(first.name(), 5, new byte[1])).as("out of order")
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(install::finish).isInstanceOf(java.io.IOException.class);
      }
      assertThat(Files.exists(target)).as("no manifest, so no store").isFalse();
    }
  }
}
