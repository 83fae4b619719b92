package io.stemedb.storage;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes one sorted run file from entries given in ascending key order, then fsyncs it and opens it
 * as a {@link Run} from what it just wrote (no re-read).
 *
 * <p>File: data blocks of ~{@value #BLOCK} bytes (entries as key length, value length, key, value;
 * each block checksummed), then the block index (first key, offset, length, CRC-32C of each block, and
 * the last key), the bloom filter, and a fixed footer (section offsets, entry count, per-table counts,
 * a CRC-32C over index, bloom and footer, and a magic number). Opening reads only index, bloom and
 * footer: a few bytes per 4 KiB of data.
 */
final class RunWriter implements AutoCloseable {
  static final int BLOCK = 4096;
  static final long MAGIC = 0x5354454d45525531L; // "STEMERU1"
  static final int FOOTER = 8 + 4 + 8 + 4 + 8 + Table.SLOTS * 8 + 4 + 8;

  private final Path path;
  private final long number;
  private final FileOutputStream file;
  private final BufferedOutputStream out;
  private final CRC32C crc = new CRC32C();
  private byte[] block = new byte[BLOCK * 2];
  private int blockLength;
  private byte[] blockFirstKey;
  private long offset;
  private final List<byte[]> firstKeys = new ArrayList<>();
  private long[] offsets = new long[64];
  private int[] lengths = new int[64];
  private int[] crcs = new int[64];
  private long[] hashes = new long[1024];
  private int hashCount;
  private byte[] lastKey;
  private long entries;
  private final long[] counts = new long[Table.SLOTS];
  private boolean finished;

  RunWriter(Path path, long number) throws IOException {
    this.path = path;
    this.number = number;
    this.file = new FileOutputStream(path.toFile());
    this.out = new BufferedOutputStream(file, 1 << 20);
  }

  /** Adds an entry; keys must come in strictly ascending order. */
  void add(byte[] key, byte[] value) throws IOException {
    if (lastKey != null && Arrays.compareUnsigned(lastKey, key) >= 0) {
      throw new IllegalArgumentException("run keys out of order");
    }
    Table table = Table.of(key);
    int need = 8 + key.length + value.length;
    if (blockLength > 0 && blockLength + need > BLOCK) {
      flushBlock();
    }
    if (blockLength + need > block.length) {
      block = Arrays.copyOf(block, Math.max(block.length * 2, blockLength + need));
    }
    if (blockLength == 0) {
      blockFirstKey = key;
    }
    ByteBuffer.wrap(block, blockLength, 8).putInt(key.length).putInt(value.length);
    System.arraycopy(key, 0, block, blockLength + 8, key.length);
    System.arraycopy(value, 0, block, blockLength + 8 + key.length, value.length);
    blockLength += need;
    table.bloomPrefixes(key, len -> addHash(Bloom.hash(key, len)));
    counts[table.id]++;
    entries++;
    lastKey = key;
  }

  private void addHash(long h) {
    if (hashCount == hashes.length) {
      hashes = Arrays.copyOf(hashes, hashes.length * 2);
    }
    hashes[hashCount++] = h;
  }

  private void flushBlock() throws IOException {
    int i = firstKeys.size();
    if (i == offsets.length) {
      offsets = Arrays.copyOf(offsets, i * 2);
      lengths = Arrays.copyOf(lengths, i * 2);
      crcs = Arrays.copyOf(crcs, i * 2);
    }
    crc.reset();
    crc.update(block, 0, blockLength);
    firstKeys.add(blockFirstKey);
    offsets[i] = offset;
    lengths[i] = blockLength;
    crcs[i] = (int) crc.getValue();
    out.write(block, 0, blockLength);
    offset += blockLength;
    blockLength = 0;
  }

  /** Writes index, bloom filter and footer, fsyncs, and returns the run opened for reading. */
  Run finish() throws IOException {
    if (blockLength > 0) {
      flushBlock();
    }
    int blocks = firstKeys.size();
    int indexLength = 4 + 4 + (lastKey == null ? 0 : lastKey.length);
    for (byte[] k : firstKeys) {
      indexLength += 8 + 4 + 4 + 4 + k.length;
    }
    Bloom bloom = Bloom.of(hashes, hashCount);
    hashes = null;
    ByteBuffer meta = ByteBuffer.allocate(indexLength + bloom.bytes() + FOOTER);
    meta.putInt(blocks);
    for (int i = 0; i < blocks; i++) {
      byte[] k = firstKeys.get(i);
      meta.putLong(offsets[i]).putInt(lengths[i]).putInt(crcs[i]).putInt(k.length).put(k);
    }
    meta.putInt(lastKey == null ? 0 : lastKey.length);
    if (lastKey != null) {
      meta.put(lastKey);
    }
    bloom.writeTo(meta);
    long indexOffset = offset;
    meta.putLong(indexOffset).putInt(indexLength).putLong(indexOffset + indexLength).putInt(bloom.bytes())
        .putLong(entries);
    for (long c : counts) {
      meta.putLong(c);
    }
    crc.reset();
    crc.update(meta.array(), 0, meta.position());
    meta.putInt((int) crc.getValue()).putLong(MAGIC);
    out.write(meta.array(), 0, meta.position());
    out.flush();
    file.getFD().sync(); // the run is durable before any manifest names it
    out.close();
    finished = true;
    Run.Index index =
        new Run.Index(firstKeys.toArray(byte[][]::new), Arrays.copyOf(offsets, blocks), Arrays.copyOf(lengths, blocks),
            Arrays.copyOf(crcs, blocks), lastKey);
    return Run.open(path, number, index, bloom, entries, counts.clone());
  }

  /** Abandons an unfinished run: closes and deletes its file. */
  @Override
  public void close() {
    if (!finished) {
      try {
        out.close();
      } catch (IOException ignored) {
        // the file is deleted next; an error closing it changes nothing
      }
      try {
        java.nio.file.Files.deleteIfExists(path);
      } catch (IOException ignored) {
        // an orphan run is deleted at the next open
      }
    }
  }
}
