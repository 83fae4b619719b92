package io.stemedb.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.mapdb.SortedTableMap;
import org.mapdb.volume.FileChannelVol;
import org.mapdb.volume.Volume;

/**
 * Writes one sorted run from entries given in ascending key order: the entries into a MapDB
 * {@link SortedTableMap} file ({@code <manifest>.run-N}), then what reads need to skip the run
 * without touching it into a small checksummed sidecar ({@code .meta}: a bloom filter, the key range,
 * per-table counts), fsyncs both and opens the run from what it just wrote.
 *
 * <p>Why MapDB's sorted table: it is MapDB's own format for bulk-loaded immutable maps — written
 * once, sequentially, from a sorted stream — so a run costs a sequential write instead of a
 * transactional B-tree update per key. What it lacks (a filter to skip runs, counts, checksums on the
 * reader's hot fields) is in the sidecar. The data file is written through a file channel, never a
 * memory map: a full disk then fails a write call with an exception instead of faulting a mapped page.
 */
final class RunWriter implements AutoCloseable {
  static final long MAGIC = 0x5354454d45525532L; // "STEMERU2"
  /**
   * Keys and values are stored whole, each with its length. Keys share long prefixes (table, subject,
   * predicate) that MapDB's {@code BYTE_ARRAY_DELTA} would store once per node; switching is a run
   * format change (a new {@link #MAGIC}) and is not measured yet.
   */
  static final org.mapdb.serializer.GroupSerializer<byte[]> KEYS = org.mapdb.Serializer.BYTE_ARRAY;
  static final org.mapdb.serializer.GroupSerializer<byte[]> VALUES = org.mapdb.Serializer.BYTE_ARRAY;
  private static final int PAGE = 64 * 1024;
  private static final int NODE = 16;

  private final Path path;
  private final long number;
  private final Volume volume;
  private final SortedTableMap.Sink<byte[], byte[]> sink;
  private long[] hashes = new long[1024];
  private int hashCount;
  private byte[] firstKey;
  private byte[] lastKey;
  private long entries;
  private final long[] counts = new long[Table.SLOTS];
  private boolean finished;

  RunWriter(Path path, long number) throws IOException {
    this.path = path;
    this.number = number;
    if (Files.exists(path) || Files.exists(metaPath(path))) {
      throw new IOException(path + " already exists: run numbers are never reused");
    }
    // fileLockWait -1: no OS file lock (the store's own lock file keeps other processes out)
    this.volume = FileChannelVol.FACTORY.makeVolume(path.toString(), false, -1L);
    this.sink = SortedTableMap.create(volume, KEYS, VALUES).pageSize(PAGE).nodeSize(NODE).createFromSink();
  }

  static Path metaPath(Path run) {
    return run.resolveSibling(run.getFileName() + ".meta");
  }

  /** Adds an entry; keys must come in strictly ascending order. */
  void add(byte[] key, byte[] value) {
    if (lastKey != null && Arrays.compareUnsigned(lastKey, key) >= 0) {
      throw new IllegalArgumentException("run keys out of order");
    }
    Table table = Table.of(key);
    sink.put(key, value);
    table.bloomPrefixes(key, len -> addHash(Bloom.hash(key, len)));
    counts[table.id]++;
    entries++;
    if (firstKey == null) {
      firstKey = key;
    }
    lastKey = key;
  }

  private void addHash(long h) {
    if (hashCount == hashes.length) {
      hashes = Arrays.copyOf(hashes, hashes.length * 2);
    }
    hashes[hashCount++] = h;
  }

  /** Completes the table and the sidecar, fsyncs both, and returns the run opened for reading. */
  Run finish() throws IOException {
    try {
      sink.create();
      volume.sync(); // the run is durable before any manifest names it
    } catch (org.mapdb.DBException e) {
      throw new IOException("writing " + path + " failed", e);
    } finally {
      volume.close();
    }
    Bloom bloom = Bloom.of(hashes, hashCount);
    hashes = null;
    Run.Meta meta = new Run.Meta(firstKey, lastKey, bloom, entries, counts.clone());
    writeMeta(metaPath(path), meta);
    finished = true;
    return Run.open(path, number, meta);
  }

  /** Sidecar: entries, counts, key range, bloom filter, then a CRC-32C of all of it and the magic. */
  private static void writeMeta(Path file, Run.Meta m) throws IOException {
    int keys = 8 + (m.firstKey() == null ? 0 : m.firstKey().length + m.lastKey().length);
    ByteBuffer out = ByteBuffer.allocate(8 + Table.SLOTS * 8 + keys + m.bloom().bytes() + 12);
    out.putLong(m.entries());
    for (long c : m.counts()) {
      out.putLong(c);
    }
    byte[] first = m.firstKey() == null ? new byte[0] : m.firstKey();
    byte[] last = m.lastKey() == null ? new byte[0] : m.lastKey();
    out.putInt(first.length).put(first).putInt(last.length).put(last);
    m.bloom().writeTo(out);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue()).putLong(MAGIC).flip();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      while (out.hasRemaining()) {
        ch.write(out);
      }
      ch.force(true);
    }
  }

  static Run.Meta readMeta(Path file) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
    try {
      if (in.capacity() < 12 || in.getLong(in.capacity() - 8) != MAGIC) {
        throw new CorruptStoreException(file + " is not a complete run sidecar");
      }
      CRC32C crc = new CRC32C();
      crc.update(in.array(), 0, in.capacity() - 12);
      if ((int) crc.getValue() != in.getInt(in.capacity() - 12)) {
        throw new CorruptStoreException(file + " does not match its checksum");
      }
      long entries = in.getLong();
      long[] counts = new long[Table.SLOTS];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = in.getLong();
      }
      byte[] first = new byte[in.getInt()];
      in.get(first);
      byte[] last = new byte[in.getInt()];
      in.get(last);
      Bloom bloom = Bloom.readFrom(in);
      boolean empty = entries == 0;
      return new Run.Meta(empty ? null : first, empty ? null : last, bloom, entries, counts);
    } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
      throw new CorruptStoreException(file + " is truncated", e);
    }
  }

  /** Abandons an unfinished run: closes and deletes its files. */
  @Override
  public void close() {
    if (!finished) {
      try {
        volume.close();
      } catch (RuntimeException ignored) {
        // the file is deleted next; an error closing it changes nothing
      }
      try {
        Files.deleteIfExists(path);
        Files.deleteIfExists(metaPath(path));
      } catch (IOException ignored) {
        // an orphan run is deleted at the next open
      }
    }
  }
}
