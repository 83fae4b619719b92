package io.stemedb.tools.backup;

import io.stemedb.raft.RestoreSeed;
import io.stemedb.storage.Store;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stemedb restore --from DIR --data-dir D}: checks the backup's files against its manifest, builds
 * the store they describe (same records at the same log positions, so the same Merkle root — checked),
 * and leaves it in D as a seed that the node installs as its state and snapshot when it next starts.
 * Seeding every node of a new cluster restores the cluster; seeding one stopped node of a running
 * cluster with a fresh backup of its leader rebuilds that replica ({@code --replace}).
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
    description = "Restores a backup into a node's data directory; the node installs it when it starts.")
public final class RestoreCommand implements Callable<Integer> {
  @Option(names = "--from", required = true, description = "the backup directory")
  Path from;

  @Option(names = "--data-dir", required = true, description = "the node's data directory (node stopped)")
  Path dataDir;

  @Option(names = "--replace", description = "the node already has data: replace its state with the backup's "
      + "(the backup must be at least as new as the node's state; its Raft log and membership are kept)")
  boolean replace;

  @Override
  public Integer call() throws Exception {
    if (NodeDataDir.hasRaftState(dataDir) && !replace) {
      System.err.println("stemedb restore: " + dataDir + " already holds node data; stop the node and add --replace "
          + "to replace its state (its Raft log and membership stay), or give an empty directory");
      return 2;
    }
    try {
      Manifest m = restore(from, dataDir);
      System.out.printf("restored %d records at index %d (term %d), Merkle root %s, into %s; start the node to install it%n",
          m.totalRecords(), m.index(), m.term(), m.merkleRoot(), dataDir.resolve(RestoreSeed.DIRECTORY).toAbsolutePath());
      return 0;
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      System.err.println("stemedb restore: failed, nothing was installed: " + e.getMessage());
      return 1;
    }
  }

  static Manifest restore(Path backup, Path dataDir) throws IOException {
    Manifest m = Manifest.read(backup.resolve(Manifest.FILE));
    for (Manifest.FileEntry f : m.files()) {
      Path file = backup.resolve(f.name());
      String sha;
      try (Progress progress = Progress.start("checking " + f.name(), "bytes", f.bytes())) {
        sha = RecordFile.sha256(file, progress::at);
      }
      if (!sha.equals(f.sha256()) || Files.size(file) != f.bytes()) {
        throw new IOException(file + " does not match the manifest (SHA-256 " + sha + ", expected " + f.sha256()
            + "): the backup is damaged");
      }
    }
    boolean replacing = NodeDataDir.hasRaftState(dataDir);
    if (replacing) {
      long current;
      try (Store s = Store.open(NodeDataDir.store(dataDir))) {
        current = s.appliedIndex();
      } catch (RuntimeException e) {
        throw new IOException("cannot open the node's store (is the node still running? stop it first): " + e.getMessage(), e);
      }
      if (current > m.index()) {
        throw new IOException("the node already applied index " + current + ", beyond the backup's " + m.index()
            + "; take a newer backup (of the leader)");
      }
      Instant lastWrite = NodeDataDir.lastRaftLogWrite(dataDir);
      if (lastWrite != null && !Instant.parse(m.createdAt()).isAfter(lastWrite)) {
        throw new IOException("the backup (" + m.createdAt() + ") is older than the node's last Raft log write ("
            + lastWrite + "): stop the node first, then take the backup, so that it covers every entry the node "
            + "may have helped commit");
      }
    }
    Path partial = dataDir.resolve(RestoreSeed.DIRECTORY + ".partial");
    deleteRecursively(partial);
    Files.createDirectories(partial);
    try (BufferedReader in = RecordFile.open(backup.resolve(Manifest.RECORDS));
        Store store = Store.open(partial.resolve("state.db"));
        Progress progress = Progress.start("restore", "records", m.totalRecords())) {
      store.restore(RecordFile.logRecords(in, progress::at), m.index(), m.term());
      String root = store.merkle().root();
      if (!root.equals(m.merkleRoot())) {
        throw new IOException("the restored store's Merkle root " + root + " is not the manifest's " + m.merkleRoot());
      }
    }
    if (replacing) {
      // The node's log ends before the backup's index (it was stopped before the backup was taken), so
      // it cannot continue after the new snapshot: set it aside; term, vote and membership stay.
      Path aside = NodeDataDir.setLogAside(dataDir);
      if (aside != null) {
        System.out.println("the node's old Raft log segments are kept in " + aside + " (delete them once it runs)");
      }
    }
    Path seed = dataDir.resolve(RestoreSeed.DIRECTORY);
    deleteRecursively(seed);
    Files.move(partial, seed);
    RestoreSeed.mark(seed, m.index(), m.term());
    return m;
  }

  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> all = Files.walk(p)) {
      for (Path f : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(f);
      }
    }
  }
}
