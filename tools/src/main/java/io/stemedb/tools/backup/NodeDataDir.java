package io.stemedb.tools.backup;

import io.stemedb.raft.RestoreSeed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a node's store lives in its data directory: a restored seed not yet installed
 * ({@code restore/state.db}), or the generation in force under the Raft storage
 * ({@code raft/<group>/sm/store/CURRENT} names {@code state-N/state.db}).
 */
final class NodeDataDir {
  private NodeDataDir() {}

  static boolean hasRaftState(Path dataDir) {
    return Files.isDirectory(dataDir.resolve("raft"));
  }

  static Path store(Path dataDir) throws IOException {
    Path seed = dataDir.resolve(RestoreSeed.DIRECTORY);
    if (RestoreSeed.find(seed) != null) {
      return seed.resolve("state.db");
    }
    Path raft = dataDir.resolve("raft");
    if (!Files.isDirectory(raft)) {
      throw new IOException(dataDir + " holds no node data (no raft/ and no restore/ directory)");
    }
    List<Path> stores;
    try (Stream<Path> groups = Files.list(raft)) {
      stores = groups.map(g -> g.resolve("sm").resolve("store")).filter(Files::isDirectory).toList();
    }
    if (stores.size() != 1) {
      throw new IOException(raft + " holds " + stores.size() + " Raft groups with a store; expected one");
    }
    String generation = Files.readString(stores.get(0).resolve("CURRENT"), StandardCharsets.UTF_8).trim();
    return stores.get(0).resolve(generation).resolve("state.db");
  }

  /** The Raft log segments of each group ({@code raft/<group>/current/log_*}). */
  private static List<Path> logSegments(Path dataDir) throws IOException {
    try (Stream<Path> all = Files.walk(dataDir.resolve("raft"), 3)) {
      return all.filter(p -> p.getParent().getFileName().toString().equals("current"))
          .filter(p -> p.getFileName().toString().startsWith("log_")).toList();
    }
  }

  /** When the node last wrote its Raft log, or null when it has none. */
  static java.time.Instant lastRaftLogWrite(Path dataDir) throws IOException {
    java.time.Instant last = null;
    for (Path segment : logSegments(dataDir)) {
      java.time.Instant t = Files.getLastModifiedTime(segment).toInstant();
      last = last == null || t.isAfter(last) ? t : last;
    }
    return last;
  }

  /** Moves the Raft log segments to {@code replaced-log-<time>/} beside {@code raft/}; null when there were none. */
  static Path setLogAside(Path dataDir) throws IOException {
    List<Path> segments = logSegments(dataDir);
    if (segments.isEmpty()) {
      return null;
    }
    Path aside = dataDir.resolve("replaced-log-" + java.time.Instant.now().toString().replace(':', '-'));
    for (Path segment : segments) {
      Path target = aside.resolve(dataDir.resolve("raft").relativize(segment));
      Files.createDirectories(target.getParent());
      Files.move(segment, target);
    }
    return aside;
  }
}
