package io.stemedb.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemedb.raft.proto.SnapshotFile;
import io.stemedb.raft.proto.SnapshotFileChunk;
import io.stemedb.raft.proto.SnapshotFilesReply;
import io.stemedb.storage.Change;
import io.stemedb.storage.Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leader's side of a snapshot copy: pinned checkpoints, their chunks, release, expiry and the cap. */
class CheckpointLeasesTest {
  @TempDir Path dir;

  private static Store storeWithOneCommit(Path file) {
    Store s = Store.open(file);
    List<Proposal> claims = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      claims.add(ReplicationTest.claim("s" + i, "v", "a"));
    }
    List<List<Change>> requests =
        Commands.decodeEntry(Commands.completeOnLeader(Commands.encodeProposal(List.of(claims)), 0)).requests();
    s.apply(1, 1, requests);
    s.commit();
    return s;
  }

  @Test
  void aPinnedCheckpointIsServedInChunksUntilReleasedAndThenRefused() throws Exception {
    try (Store s = storeWithOneCommit(dir.resolve("state.db")); CheckpointLeases leases = new CheckpointLeases("n1")) {
      SnapshotFilesReply listing = leases.pin(s);
      assertThat(listing.getIndex()).isEqualTo(1);
      assertThat(listing.getFilesList()).extracting(SnapshotFile::getName).last().isEqualTo("MANIFEST");
      SnapshotFile manifest = listing.getFiles(listing.getFilesCount() - 1);
      byte[] head = leases.read(chunk(listing.getCheckpoint(), "MANIFEST", 0, 10)).getData().toByteArray();
      byte[] rest = leases.read(chunk(listing.getCheckpoint(), "MANIFEST", 10, 1 << 20)).getData().toByteArray();
      assertThat(head.length + rest.length).isEqualTo(manifest.getSize());

      leases.release(listing.getCheckpoint());
      assertThatThrownBy(() -> leases.read(chunk(listing.getCheckpoint(), "MANIFEST", 0, 10)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("start the copy again");
    }
  }

  @Test
  void idleCheckpointsExpireAndAtMostFourAreServedAtOnce() throws Exception {
    try (Store s = storeWithOneCommit(dir.resolve("state.db"));
        CheckpointLeases leases = new CheckpointLeases("n1", 1_000_000)) { // 1 ms idle
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < CheckpointLeases.MAX_PINNED; i++) {
        ids.add(leases.pin(s).getCheckpoint());
      }
      Thread.sleep(5);
      leases.expireIdle();
      assertThatThrownBy(() -> leases.read(chunk(ids.get(0), "MANIFEST", 0, 10))).isInstanceOf(IllegalStateException.class);
    }
    try (Store s = Store.open(dir.resolve("state.db")); CheckpointLeases leases = new CheckpointLeases("n1")) {
      for (int i = 0; i < CheckpointLeases.MAX_PINNED; i++) {
        leases.pin(s);
      }
      assertThatThrownBy(() -> leases.pin(s)).isInstanceOf(IllegalStateException.class).hasMessageContaining("try again later");
    }
  }

  private static SnapshotFileChunk chunk(long checkpoint, String name, long offset, int max) {
    return SnapshotFileChunk.newBuilder().setCheckpoint(checkpoint).setName(name).setOffset(offset).setMaxBytes(max).build();
  }
}
