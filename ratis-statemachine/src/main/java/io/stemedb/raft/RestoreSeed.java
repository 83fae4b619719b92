package io.stemedb.raft;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A restored store waiting in a node's data directory ({@value #DIRECTORY}/): the files of a store
 * filled by {@code stemedb restore}, and {@value #MARKER} naming its applied index and term. Written last,
 * the marker makes a seed complete: a restore that stopped half-way leaves no marker and is ignored.
 * The node installs it at its next start ({@link StemeStateMachine}) as its state and snapshot.
 */
public final class RestoreSeed {
  public static final String DIRECTORY = "restore";
  public static final String MARKER = "seed.properties";
  private final Path dir;
  private final long index;
  private final long term;

  private RestoreSeed(Path dir, long index, long term) {
    this.dir = dir;
    this.index = index;
    this.term = term;
  }

  /** The complete seed in {@code dir}, or null when there is none. */
  public static RestoreSeed find(Path dir) throws IOException {
    Path marker = dir.resolve(MARKER);
    if (!Files.isRegularFile(marker)) {
      return null;
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(marker, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    try {
      return new RestoreSeed(dir, Long.parseLong(p.getProperty("index")), Long.parseLong(p.getProperty("term")));
    } catch (RuntimeException e) {
      throw new IOException(marker + " does not name an index and a term; restore again", e);
    }
  }

  /** Marks the store in {@code dir} (already committed and closed) as a complete seed. */
  public static void mark(Path dir, long index, long term) throws IOException {
    Path tmp = dir.resolve(MARKER + ".tmp");
    Files.writeString(tmp, "# written by stemedb restore\nindex=" + index + "\nterm=" + term + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, dir.resolve(MARKER), StandardCopyOption.ATOMIC_MOVE);
  }

  public long index() {
    return index;
  }

  public long term() {
    return term;
  }

  /** False once the seed's store is gone (a seed that names a position but holds no store). */
  boolean holdsStore() {
    return java.nio.file.Files.exists(dir.resolve("state.db"));
  }

  /**
   * Puts the store's files (its manifest {@code state.db} and the runs beside it; not the marker, not
   * the lock file) into {@code generation} as hard links (copies where links are not possible). The
   * seed keeps its files until {@link #delete}: a store is several files, and a crash half-way through
   * must leave the seed whole so that the next start installs it again from the beginning.
   */
  void moveInto(Path generation) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.equals(MARKER) || name.endsWith(".lock") || !Files.isRegularFile(f)) {
          continue;
        }
        Path target = generation.resolve(f.getFileName());
        Files.deleteIfExists(target);
        try {
          Files.createLink(target, f);
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
          try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(target,
              java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
          }
        }
      }
    }
    try (java.nio.channels.FileChannel d = java.nio.channels.FileChannel.open(generation,
        java.nio.file.StandardOpenOption.READ)) {
      d.force(true); // the generation's entries are durable before CURRENT names it
    }
  }

  void delete() throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(f);
      }
    }
  }
}
