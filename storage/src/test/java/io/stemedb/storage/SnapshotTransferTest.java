package io.stemedb.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemedb.model.Assertion;
import io.stemedb.model.Stance;
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
}
