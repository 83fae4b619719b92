package io.stemedb.storage;

import static io.stemedb.storage.Fixtures.add;
import static io.stemedb.storage.Fixtures.claim;
import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.model.AgentSetting;
import io.stemedb.model.Assertion;
import io.stemedb.model.EpochOpening;
import io.stemedb.model.Stance;
import io.stemedb.model.StoredRecord;
import io.stemedb.model.Vote;
import io.stemedb.storage.Change.ImportRecord;
import io.stemedb.storage.Outcome.Status;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Histories replayed by an import: applied in order once, duplicates the second time, gaps refused. */
class ImportRecordTest {
  @TempDir Path dir;
  Store store;
  long index = 1;

  @BeforeEach
  void open() {
    store = Store.open(dir.resolve("state.db"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  Outcome apply(Change c) {
    return store.apply(index++, 1, c).only().get(0);
  }

  @Test
  void aVoteHistoryIsReplayedOnceAndIsANoOpTheSecondTime() {
    Assertion a = claim("s", "p", "1", "crm");
    apply(add(a));
    List<StoredRecord> history = List.of(
        new Vote(a.id(), "web", Stance.ENDORSE, 0), new Vote(a.id(), "web", Stance.DISPUTE, 0),
        new Vote(a.id(), "web", Stance.ENDORSE, 0));
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < history.size(); i++) {
        Outcome o = apply(new ImportRecord(history.get(i), i + 1));
        assertThat(o.status()).isEqualTo(round == 0 ? Status.CREATED : Status.UNCHANGED);
      }
    }
    // The stance went endorse → dispute → endorse: all three are kept, as in the source.
    assertThat(store.votes(a.id())).extracting(Vote::stance).containsExactly(Stance.ENDORSE, Stance.DISPUTE, Stance.ENDORSE);
  }

  @Test
  void agentSettingsAndEpochOpeningsAreCountedPerHistory() {
    AgentSetting five = new AgentSetting("crm", 5, "", 0);
    AgentSetting three = new AgentSetting("crm", 3, "", 0);
    assertThat(apply(new ImportRecord(five, 1)).status()).isEqualTo(Status.CREATED);
    assertThat(apply(new ImportRecord(three, 2)).status()).isEqualTo(Status.CREATED);
    assertThat(apply(new ImportRecord(five, 1)).status()).isEqualTo(Status.UNCHANGED);
    assertThat(apply(new ImportRecord(three, 2)).status()).isEqualTo(Status.UNCHANGED);
    assertThat(store.agentHistory("crm", Long.MAX_VALUE)).extracting(AgentSetting::authority).containsExactly(5.0, 3.0);

    EpochOpening reset = new EpochOpening("s", "reset", 0);
    assertThat(apply(new ImportRecord(reset, 1)).status()).isEqualTo(Status.CREATED);
    assertThat(apply(new ImportRecord(reset, 1)).status()).isEqualTo(Status.UNCHANGED);
    assertThat(store.epoch("s", Long.MAX_VALUE)).isEqualTo(1);
    assertThat(apply(new ImportRecord(new EpochOpening("*", "all", 0), 1)).status()).isEqualTo(Status.CREATED);
    assertThat(store.epoch("s", Long.MAX_VALUE)).isEqualTo(2);
  }

  @Test
  void aRecordWhoseEarlierHistoryIsMissingIsRefusedAndChangesNothing() {
    String before = store.merkle().root();
    Outcome o = apply(new ImportRecord(new AgentSetting("crm", 5, "", 0), 2));
    assertThat(o.status()).isEqualTo(Status.INVALID);
    assertThat(o.message()).contains("record 2").contains("holds 0");
    Outcome vote = apply(new ImportRecord(new Vote("a".repeat(64), "web", Stance.ENDORSE, 0), 1));
    assertThat(vote.status()).isEqualTo(Status.NOT_FOUND);
    assertThat(store.merkle().root()).isEqualTo(before);
  }

  @Test
  void onlyHistoriesAreImportRecords() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ImportRecord(claim("s", "p", "1", "a"), 1))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ImportRecord(new AgentSetting("a", 1, "", 0), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
