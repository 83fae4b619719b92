package io.stemedb.storage;

import io.stemedb.model.Hashing;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A fixed-shape Merkle tree over the multiset of stored records: {@value #BUCKETS} buckets chosen by
 * the first 12 bits of a record's key hash (for claims, retractions and votes: the claim id, so a
 * claim and everything about it share a bucket), and a root over the bucket hashes.
 *
 * <p>A bucket accumulates its records as (count, sum of SHA-256 leaf hashes mod 2^256). Addition is
 * commutative and associative, so the root depends only on <em>which</em> records are stored — not on
 * their order, batching, or log positions — and adding a record costs O(1): no rescan, ever. Sums (not
 * XOR) so that two equal leaves never cancel out.
 *
 * <p>Bucket states are persisted in {@value #PAGES} pages of {@value #PAGE_BUCKETS} buckets, written
 * with the batch that changed them, so opening a store reads 64 small values rather than every record.
 */
public final class MerkleTree {
  public static final int BUCKETS = 4096;
  static final int PAGE_BUCKETS = 64;
  static final int PAGES = BUCKETS / PAGE_BUCKETS;
  private static final int SUM_BYTES = 32;
  private static final int BUCKET_BYTES = 8 + SUM_BYTES;

  private final long[] counts = new long[BUCKETS];
  private final byte[][] sums = new byte[BUCKETS][SUM_BYTES];
  private final byte[][] bucketHashes = new byte[BUCKETS][];
  private final boolean[] dirtyPages = new boolean[PAGES];
  private byte[] root;

  /** An empty tree (no records). */
  public MerkleTree() {}

  /** The tree persisted in {@code pages} (absent pages are empty). */
  static MerkleTree load(Map<Integer, byte[]> pages) {
    MerkleTree tree = new MerkleTree();
    for (int p = 0; p < PAGES; p++) {
      byte[] page = pages.get(p);
      if (page == null) {
        continue;
      }
      if (page.length != PAGE_BUCKETS * BUCKET_BYTES) {
        throw new CorruptStoreException("Merkle page " + p + " has " + page.length + " bytes");
      }
      ByteBuffer in = ByteBuffer.wrap(page);
      for (int i = 0; i < PAGE_BUCKETS; i++) {
        int b = p * PAGE_BUCKETS + i;
        tree.counts[b] = in.getLong();
        in.get(tree.sums[b]);
      }
    }
    return tree;
  }

  /** The bucket of a key hash: its first 12 bits, i.e. the first three hex digits of an id. */
  static int bucketOf(byte[] keyHash) {
    return ((keyHash[0] & 0xff) << 4) | ((keyHash[1] & 0xff) >>> 4);
  }

  /** Adds one record: {@code keyHash} picks the bucket, {@code content} is hashed into the leaf. */
  public void add(byte[] keyHash, byte[] content) {
    int b = bucketOf(keyHash);
    byte[] leaf = Hashing.sha256(content);
    byte[] sum = sums[b];
    int carry = 0;
    for (int i = SUM_BYTES - 1; i >= 0; i--) {
      int s = (sum[i] & 0xff) + (leaf[i] & 0xff) + carry;
      sum[i] = (byte) s;
      carry = s >>> 8;
    }
    counts[b]++;
    bucketHashes[b] = null;
    dirtyPages[b / PAGE_BUCKETS] = true;
    root = null;
  }

  /** Adds one record as the store does: keyed by its claim (or agent, or subject), hashed by content. */
  public void add(io.stemedb.model.StoredRecord record) {
    add(Store.merkleKey(record), RecordCodec.encode(record));
  }

  /** Writes the pages changed since the last flush. */
  void flush(Map<Integer, byte[]> pages) {
    for (int p = 0; p < PAGES; p++) {
      if (!dirtyPages[p]) {
        continue;
      }
      ByteBuffer out = ByteBuffer.allocate(PAGE_BUCKETS * BUCKET_BYTES);
      for (int i = 0; i < PAGE_BUCKETS; i++) {
        int b = p * PAGE_BUCKETS + i;
        out.putLong(counts[b]).put(sums[b]);
      }
      pages.put(p, out.array());
      dirtyPages[p] = false;
    }
  }

  /** How many records the tree holds. */
  public long records() {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    return n;
  }

  /** The root: SHA-256 over the {@value #BUCKETS} bucket hashes in bucket order. */
  public byte[] root() {
    if (root == null) {
      byte[] all = new byte[BUCKETS * 32];
      for (int b = 0; b < BUCKETS; b++) {
        System.arraycopy(bucketHash(b), 0, all, b * 32, 32);
      }
      root = Hashing.sha256(all);
    }
    return root.clone();
  }

  public String rootHex() {
    return HexFormat.of().formatHex(root());
  }

  /** The hash of one bucket: SHA-256 of its record count (8 bytes, big-endian) and sum. */
  public byte[] bucketHash(int bucket) {
    if (bucketHashes[bucket] == null) {
      bucketHashes[bucket] =
          Hashing.sha256(ByteBuffer.allocate(BUCKET_BYTES).putLong(counts[bucket]).put(sums[bucket]).array());
    }
    return bucketHashes[bucket];
  }

  /**
   * The non-empty buckets, keyed by their three-hex-digit prefix, with their hashes: what two replicas
   * compare to find where they differ.
   */
  public Map<String, String> nonEmptyBuckets() {
    Map<String, String> out = new TreeMap<>();
    for (int b = 0; b < BUCKETS; b++) {
      if (counts[b] > 0) {
        out.put(String.format("%03x", b), HexFormat.of().formatHex(bucketHash(b)));
      }
    }
    return out;
  }

  /** Same records (by bucket state) as {@code other}. */
  public boolean sameAs(MerkleTree other) {
    return Arrays.equals(counts, other.counts) && Arrays.deepEquals(sums, other.sums);
  }
}
