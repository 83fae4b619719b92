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
 * A restored store waiting in a node's data directory ({@value #DIRECTORY}/): the MapDB files of a store
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

  /** False once its files were moved into place (an install that stopped before it finished). */
  boolean holdsStore() {
    return java.nio.file.Files.exists(dir.resolve("state.db"));
  }

  /** Moves the store's files (all but the marker) into {@code generation}. */
  void moveInto(Path generation) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (!f.getFileName().toString().equals(MARKER)) {
          Files.move(f, generation.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
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
