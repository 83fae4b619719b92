package io.stemedb.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The store's root file (the path callers open, e.g. {@code state.db}): the runs in force, the applied
 * position at the last commit, and the Merkle bucket pages at that commit. It is only ever replaced
 * whole, atomically (temp file, fsync, rename, fsync of the directory), so after a crash the store is
 * exactly the last manifest written.
 *
 * @param runs run numbers in force, newest first; run {@code n} is the file {@code <manifest>.run-n}
 * @param nextRun the next free run number
 */
record Manifest(long appliedIndex, long appliedTerm, long nextRun, List<Long> runs, Map<Integer, byte[]> merklePages) {
  static final String FORMAT = "stemedb-store-lsm-1";
  private static final byte[] MAGIC = (FORMAT + "\n").getBytes(StandardCharsets.US_ASCII);

  Manifest {
    runs = List.copyOf(runs);
    merklePages = Map.copyOf(merklePages);
  }

  static Manifest empty() {
    return new Manifest(0, 0, 1, List.of(), Map.of());
  }

  Manifest withRuns(List<Long> newRuns, long newNextRun) {
    return new Manifest(appliedIndex, appliedTerm, newNextRun, newRuns, merklePages);
  }

  static Path runPath(Path manifest, long number) {
    return manifest.resolveSibling(manifest.getFileName() + ".run-" + number);
  }

  static Manifest read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length < MAGIC.length + 4 || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new CorruptStoreException(file + " is not in format " + FORMAT
          + " (a store of an older build? rebuild it from a snapshot or backup)");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if ((int) crc.getValue() != in.getInt(bytes.length - 4)) {
      throw new CorruptStoreException(file + " does not match its checksum");
    }
    try {
      in.position(MAGIC.length);
      long index = in.getLong();
      long term = in.getLong();
      long nextRun = in.getLong();
      int n = in.getInt();
      List<Long> runs = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        runs.add(in.getLong());
      }
      int pages = in.getInt();
      Map<Integer, byte[]> merkle = new HashMap<>();
      for (int i = 0; i < pages; i++) {
        int page = in.getInt();
        byte[] b = new byte[in.getInt()];
        in.get(b);
        merkle.put(page, b);
      }
      return new Manifest(index, term, nextRun, runs, merkle);
    } catch (RuntimeException e) {
      throw new CorruptStoreException(file + " is not a readable manifest", e);
    }
  }

  /** Replaces {@code file} with this manifest, durably: when this returns, a crash keeps it. */
  void write(Path file) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(toBytes());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      while (out.hasRemaining()) {
        ch.write(out);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(file.toAbsolutePath().getParent());
  }

  /** The file's bytes: what {@link #read} reads back. */
  byte[] toBytes() {
    int size = MAGIC.length + 8 * 3 + 4 + 8 * runs.size() + 4 + 4;
    for (byte[] page : merklePages.values()) {
      size += 8 + page.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(MAGIC).putLong(appliedIndex).putLong(appliedTerm).putLong(nextRun).putInt(runs.size());
    runs.forEach(out::putLong);
    out.putInt(merklePages.size());
    merklePages.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> out.putInt(e.getKey()).putInt(e.getValue().length).put(e.getValue()));
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    return out.array();
  }

  /** Makes the directory's entries (new run files, the rename) durable. */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
