package io.stemedb.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.mapdb.DBException;
import org.mapdb.SortedTableMap;
import org.mapdb.volume.MappedFileVol;
import org.mapdb.volume.Volume;

/**
 * One immutable sorted run: a MapDB {@link SortedTableMap} file, memory-mapped read-only, and its
 * sidecar ({@link Meta}, in memory) that lets reads skip it (format: {@link RunWriter}). Thread-safe:
 * nothing in it changes after it is opened.
 *
 * <p>A run is counted by the views that hold it ({@link #retain}/{@link #release}); when the last one
 * lets go its file is closed, and deleted if compaction replaced it — so a reader that started before a
 * compaction finishes on the files it started with.
 */
final class Run {
  /** What reads ask before touching the table: key range, bloom filter, entry and per-table counts. */
  record Meta(byte[] firstKey, byte[] lastKey, Bloom bloom, long entries, long[] counts) {}

  private final Path path;
  private final long number;
  private final Volume volume;
  private final SortedTableMap<byte[], byte[]> table;
  private final Meta meta;
  private final AtomicInteger refs = new AtomicInteger();
  private volatile boolean obsolete;

  private Run(Path path, long number, Meta meta) throws IOException {
    this.path = path;
    this.number = number;
    this.meta = meta;
    try {
      this.volume = MappedFileVol.FACTORY.makeVolume(path.toString(), true, -1L);
    } catch (DBException e) {
      throw new IOException("cannot open the run " + path, e);
    }
    try {
      this.table = SortedTableMap.open(volume, RunWriter.KEYS, RunWriter.VALUES);
    } catch (RuntimeException e) {
      volume.close();
      throw new CorruptStoreException(path + " is not a readable sorted table", e);
    }
    if (table.sizeLong() != meta.entries()) {
      volume.close();
      throw new CorruptStoreException(path + " holds " + table.sizeLong() + " entries, its sidecar says " + meta.entries());
    }
  }

  /** The run just written, with its writer's own sidecar. */
  static Run open(Path path, long number, Meta meta) throws IOException {
    return new Run(path, number, meta);
  }

  /** Opens an existing run: reads and checks its sidecar, then maps the table. */
  static Run open(Path path, long number) throws IOException {
    Path side = RunWriter.metaPath(path);
    if (!Files.exists(side)) {
      throw new CorruptStoreException(path + " has no sidecar " + side.getFileName());
    }
    return new Run(path, number, RunWriter.readMeta(side));
  }

  long number() {
    return number;
  }

  Path path() {
    return path;
  }

  long entries() {
    return meta.entries();
  }

  long count(Table t) {
    return meta.counts()[t.id];
  }

  long sizeOnDisk() {
    try {
      return Files.size(path) + Files.size(RunWriter.metaPath(path));
    } catch (IOException e) {
      return 0;
    }
  }

  // ----------------------------------------------------------------------------------------- reads

  /** The value of {@code key}, or null; {@code hash} is {@code Bloom.hash(key)}. */
  byte[] get(byte[] key, long hash) {
    if (meta.counts()[key[0]] == 0 || !inRange(key)
        || (Table.of(key).wholeKeysInBloom() && !meta.bloom().mightContain(hash))) {
      return null;
    }
    return table.get(key);
  }

  /** Whether this run may hold keys starting with {@code prefix}; {@code hash} is {@code Bloom.hash(prefix)}. */
  boolean mayHavePrefix(long hash) {
    return meta.bloom().mightContain(hash);
  }

  /** Whether any key of this run may fall in [from, to) (by its key range). */
  boolean overlaps(byte[] from, byte[] to) {
    return meta.lastKey() != null
        && Arrays.compareUnsigned(meta.lastKey(), from) >= 0
        && Arrays.compareUnsigned(meta.firstKey(), to) < 0;
  }

  private boolean inRange(byte[] key) {
    return meta.lastKey() != null
        && Arrays.compareUnsigned(key, meta.firstKey()) >= 0
        && Arrays.compareUnsigned(key, meta.lastKey()) <= 0;
  }

  /** The entries with keys in [from, to), in key order. */
  Cursor cursor(byte[] from, byte[] to) {
    if (!overlaps(from, to)) {
      return Cursor.EMPTY;
    }
    Iterator<Map.Entry<byte[], byte[]>> it = table.entryIterator(from, true, to, false);
    return new Cursor() {
      byte[] key;
      byte[] value;

      @Override
      public boolean next() {
        if (it.hasNext()) {
          Map.Entry<byte[], byte[]> e = it.next();
          key = e.getKey();
          value = e.getValue();
          return true;
        }
        key = null;
        value = null;
        return false;
      }

      @Override
      public byte[] key() {
        return key;
      }

      @Override
      public byte[] value() {
        return value;
      }
    };
  }

  // ------------------------------------------------------------------------------------- lifetime

  void retain() {
    refs.incrementAndGet();
  }

  /** Drops one holder; the last one closes the file, and deletes it if compaction replaced the run. */
  void release() {
    if (refs.decrementAndGet() == 0) {
      volume.close();
      if (obsolete) {
        try {
          Files.deleteIfExists(path);
          Files.deleteIfExists(RunWriter.metaPath(path));
        } catch (IOException e) {
          // an obsolete run left behind is not in the manifest and is deleted at the next open
        }
      }
    }
  }

  /** Marks the run replaced (by a compaction already in the manifest): delete it once unused. */
  void obsolete() {
    obsolete = true;
  }
}
