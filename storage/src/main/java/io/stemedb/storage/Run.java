package io.stemedb.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

/**
 * One immutable sorted run file (format: {@link RunWriter}). Its block index and bloom filter are in
 * memory; blocks are read with positional reads (the page cache is the cache), and checked against
 * their CRC on every read. Thread-safe: nothing in it changes after it is opened.
 *
 * <p>A run is counted by the views that hold it ({@link #retain}/{@link #release}); when the last one
 * lets go its file is closed, and deleted if compaction replaced it — so a reader that started before a
 * compaction finishes on the files it started with.
 */
final class Run {
  record Index(byte[][] firstKeys, long[] offsets, int[] lengths, int[] crcs, byte[] lastKey) {}

  private final Path path;
  private final long number;
  private final FileChannel channel;
  private final Index index;
  private final Bloom bloom;
  private final long entries;
  private final long[] counts;
  private final AtomicInteger refs = new AtomicInteger();
  private volatile boolean obsolete;

  private Run(Path path, long number, FileChannel channel, Index index, Bloom bloom, long entries, long[] counts) {
    this.path = path;
    this.number = number;
    this.channel = channel;
    this.index = index;
    this.bloom = bloom;
    this.entries = entries;
    this.counts = counts;
  }

  /** The run just written, from its writer's own index and filter. */
  static Run open(Path path, long number, Index index, Bloom bloom, long entries, long[] counts) throws IOException {
    return new Run(path, number, FileChannel.open(path, StandardOpenOption.READ), index, bloom, entries, counts);
  }

  /** Opens an existing run file: reads and checks its footer, index and bloom filter. */
  static Run open(Path path, long number) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    try {
      long size = ch.size();
      if (size < RunWriter.FOOTER) {
        throw new CorruptStoreException(path + " is too short to be a run");
      }
      ByteBuffer footer = read(ch, size - RunWriter.FOOTER, RunWriter.FOOTER);
      long indexOffset = footer.getLong();
      int indexLength = footer.getInt();
      long bloomOffset = footer.getLong();
      int bloomLength = footer.getInt();
      long entries = footer.getLong();
      long[] counts = new long[Table.SLOTS];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = footer.getLong();
      }
      int storedCrc = footer.getInt();
      if (footer.getLong() != RunWriter.MAGIC || bloomOffset != indexOffset + indexLength
          || bloomOffset + bloomLength != size - RunWriter.FOOTER) {
        throw new CorruptStoreException(path + " is not a complete run file");
      }
      ByteBuffer meta = read(ch, indexOffset, (int) (size - indexOffset));
      CRC32C crc = new CRC32C();
      crc.update(meta.array(), 0, meta.capacity() - 12);
      if ((int) crc.getValue() != storedCrc) {
        throw new CorruptStoreException(path + ": the index of the run does not match its checksum");
      }
      int blocks = meta.getInt();
      byte[][] firstKeys = new byte[blocks][];
      long[] offsets = new long[blocks];
      int[] lengths = new int[blocks];
      int[] crcs = new int[blocks];
      for (int i = 0; i < blocks; i++) {
        offsets[i] = meta.getLong();
        lengths[i] = meta.getInt();
        crcs[i] = meta.getInt();
        firstKeys[i] = new byte[meta.getInt()];
        meta.get(firstKeys[i]);
      }
      int lastLength = meta.getInt();
      byte[] lastKey = lastLength == 0 && blocks == 0 ? null : new byte[lastLength];
      if (lastKey != null) {
        meta.get(lastKey);
      }
      Bloom bloom = Bloom.readFrom(meta);
      return new Run(path, number, ch, new Index(firstKeys, offsets, lengths, crcs, lastKey), bloom, entries, counts);
    } catch (IOException | RuntimeException e) {
      ch.close();
      if (e instanceof CorruptStoreException c) {
        throw c;
      }
      if (e instanceof IOException io) {
        throw io;
      }
      throw new CorruptStoreException(path + " is not a readable run", e);
    }
  }

  private static ByteBuffer read(FileChannel ch, long position, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length);
    while (buf.hasRemaining()) {
      if (ch.read(buf, position + buf.position()) < 0) {
        throw new CorruptStoreException("unexpected end of a run file at " + (position + buf.position()));
      }
    }
    return buf.flip();
  }

  long number() {
    return number;
  }

  Path path() {
    return path;
  }

  long entries() {
    return entries;
  }

  long count(Table t) {
    return counts[t.id];
  }

  long sizeOnDisk() {
    try {
      return channel.size();
    } catch (IOException e) {
      return 0;
    }
  }

  // ----------------------------------------------------------------------------------------- reads

  /** The value of {@code key}, or null; {@code hash} is {@code Bloom.hash(key)}. */
  byte[] get(byte[] key, long hash) {
    if (counts[key[0]] == 0 || !inRange(key)
        || (Table.of(key).wholeKeysInBloom() && !bloom.mightContain(hash))) {
      return null;
    }
    int b = blockOf(key);
    if (b < 0) {
      return null;
    }
    byte[] block = block(b);
    int pos = 0;
    while (pos < block.length) {
      int kl = intAt(block, pos);
      int vl = intAt(block, pos + 4);
      int k = pos + 8;
      int cmp = Arrays.compareUnsigned(block, k, k + kl, key, 0, key.length);
      if (cmp == 0) {
        return Arrays.copyOfRange(block, k + kl, k + kl + vl);
      }
      if (cmp > 0) {
        return null;
      }
      pos = k + kl + vl;
    }
    return null;
  }

  /** Whether this run may hold keys starting with {@code prefix}; {@code hash} is {@code Bloom.hash(prefix)}. */
  boolean mayHavePrefix(long hash) {
    return bloom.mightContain(hash);
  }

  /** Whether any key of this run may fall in [from, to) (by its key range). */
  boolean overlaps(byte[] from, byte[] to) {
    return index.lastKey() != null
        && Arrays.compareUnsigned(index.lastKey(), from) >= 0
        && Arrays.compareUnsigned(index.firstKeys()[0], to) < 0;
  }

  private boolean inRange(byte[] key) {
    return index.lastKey() != null
        && Arrays.compareUnsigned(key, index.firstKeys()[0]) >= 0
        && Arrays.compareUnsigned(key, index.lastKey()) <= 0;
  }

  /** The last block whose first key is at or below {@code key}; -1 when every block starts above it. */
  private int blockOf(byte[] key) {
    byte[][] keys = index.firstKeys();
    int lo = 0;
    int hi = keys.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (Arrays.compareUnsigned(keys[mid], key) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private byte[] block(int b) {
    try {
      ByteBuffer buf = read(channel, index.offsets()[b], index.lengths()[b]);
      CRC32C crc = new CRC32C();
      crc.update(buf.array(), 0, buf.capacity());
      if ((int) crc.getValue() != index.crcs()[b]) {
        throw new CorruptStoreException(path + ": block " + b + " does not match its checksum");
      }
      return buf.array();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + path, e);
    }
  }

  private static int intAt(byte[] b, int pos) {
    return ((b[pos] & 0xff) << 24) | ((b[pos + 1] & 0xff) << 16) | ((b[pos + 2] & 0xff) << 8) | (b[pos + 3] & 0xff);
  }

  /** The entries with keys in [from, to), in key order. */
  Cursor cursor(byte[] from, byte[] to) {
    int first = Math.max(0, blockOf(from));
    return new Cursor() {
      int b = first - 1;
      byte[] block;
      int pos;
      byte[] key;
      byte[] value;
      boolean done = index.lastKey() == null;

      @Override
      public boolean next() {
        while (!done) {
          if (block == null || pos >= block.length) {
            if (++b >= index.offsets().length) {
              done = true;
              break;
            }
            block = block(b);
            pos = 0;
          }
          int kl = intAt(block, pos);
          int vl = intAt(block, pos + 4);
          int k = pos + 8;
          pos = k + kl + vl;
          if (Arrays.compareUnsigned(block, k, k + kl, from, 0, from.length) < 0) {
            continue;
          }
          if (Arrays.compareUnsigned(block, k, k + kl, to, 0, to.length) >= 0) {
            done = true;
            break;
          }
          key = Arrays.copyOfRange(block, k, k + kl);
          value = Arrays.copyOfRange(block, k + kl, k + kl + vl);
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
      try {
        channel.close();
        if (obsolete) {
          Files.deleteIfExists(path);
        }
      } catch (IOException e) {
        // an obsolete run left behind is not in the manifest and is deleted at the next open
      }
    }
  }

  /** Marks the run replaced (by a compaction already in the manifest): delete it once unused. */
  void obsolete() {
    obsolete = true;
  }
}
