package io.stemedb.raft;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The state machine's directory: the store (its manifest {@code state.db} and the run files beside
 * it) lives in a generation folder ({@code state-N/}) named by the file {@code CURRENT}. Installing a snapshot fills a new generation beside the live one and
 * then switches {@code CURRENT} with an atomic rename, so a crash during an install leaves the old
 * state in force and the half-filled generation is deleted on the next start.
 */
final class StateDirectory {
  private static final String CURRENT = "CURRENT";
  private final Path root;

  StateDirectory(Path root) throws IOException {
    this.root = Files.createDirectories(root);
    if (!Files.exists(root.resolve(CURRENT))) {
      point("state-1");
    }
    deleteAllBut(currentName());
  }

  /** The store file of the generation in force. */
  Path currentStore() throws IOException {
    return root.resolve(currentName()).resolve("state.db");
  }

  /** A new, empty generation's store file (not yet in force). */
  Path newGeneration() throws IOException {
    int next = Integer.parseInt(currentName().substring("state-".length())) + 1;
    Path dir = root.resolve("state-" + next);
    deleteRecursively(dir);
    return Files.createDirectories(dir).resolve("state.db");
  }

  /** Puts the generation holding {@code store} in force. */
  void promote(Path store) throws IOException {
    point(store.getParent().getFileName().toString());
  }

  /** Deletes every generation but the one in force (after the old store was closed). */
  void deleteStale() throws IOException {
    deleteAllBut(currentName());
  }

  private String currentName() throws IOException {
    return Files.readString(root.resolve(CURRENT), StandardCharsets.UTF_8).trim();
  }

  private void point(String generation) throws IOException {
    Path tmp = root.resolve(CURRENT + ".tmp");
    Files.writeString(tmp, generation + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, root.resolve(CURRENT), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private void deleteAllBut(String keep) throws IOException {
    try (Stream<Path> children = Files.list(root)) {
      for (Path p : (Iterable<Path>) children::iterator) {
        String name = p.getFileName().toString();
        if (name.startsWith("state-") && !name.equals(keep)) {
          deleteRecursively(p);
        }
      }
    }
  }

  private static void deleteRecursively(Path p) throws IOException {
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
