package io.stemedb.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A bloom filter over 64-bit key hashes. The hash is computed once per read ({@link #hash}) and then
 * asked of every run's filter, so a read over many runs hashes its key once. Power-of-two size and
 * double hashing (Kirsch–Mitzenmacher); ~10 bits and 7 probes per key give about 1% false positives.
 */
final class Bloom {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  static final int PROBES = 7;
  private final long[] words;
  private final long mask;

  private Bloom(long[] words) {
    this.words = words;
    this.mask = (long) words.length * 64 - 1;
  }

  /** A filter holding {@code n} of {@code hashes}. */
  static Bloom of(long[] hashes, int n) {
    long bits = Long.highestOneBit(Math.max(64, (long) n * 10 - 1)) << 1;
    Bloom b = new Bloom(new long[(int) Math.min(bits / 64, 1 << 30)]);
    for (int i = 0; i < n; i++) {
      b.add(hashes[i]);
    }
    return b;
  }

  private void add(long h) {
    long h2 = (Long.rotateLeft(h, 32) * 0x9E3779B97F4A7C15L) | 1;
    for (int i = 0; i < PROBES; i++) {
      long bit = (h + i * h2) & mask;
      words[(int) (bit >>> 6)] |= 1L << bit;
    }
  }

  boolean mightContain(long h) {
    long h2 = (Long.rotateLeft(h, 32) * 0x9E3779B97F4A7C15L) | 1;
    for (int i = 0; i < PROBES; i++) {
      long bit = (h + i * h2) & mask;
      if ((words[(int) (bit >>> 6)] & (1L << bit)) == 0) {
        return false;
      }
    }
    return true;
  }

  /** A 64-bit hash of {@code b[0..len)}, mixed as in MurmurHash3's finaliser. */
  static long hash(byte[] b, int len) {
    long h = 0x9E3779B97F4A7C15L ^ (len * 0xC2B2AE3D27D4EB4FL);
    int i = 0;
    for (; i + 8 <= len; i += 8) {
      h = Long.rotateLeft(h ^ fmix((long) LONGS.get(b, i)), 29) * 0x9E3779B97F4A7C15L;
    }
    long tail = 0;
    for (; i < len; i++) {
      tail = (tail << 8) | (b[i] & 0xff);
    }
    return fmix(h ^ fmix(tail + len));
  }

  static long hash(byte[] b) {
    return hash(b, b.length);
  }

  private static long fmix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }

  int bytes() {
    return 4 + words.length * 8;
  }

  void writeTo(ByteBuffer out) {
    out.putInt(words.length);
    for (long w : words) {
      out.putLong(w);
    }
  }

  static Bloom readFrom(ByteBuffer in) {
    int n = in.getInt();
    if (n <= 0 || Integer.bitCount(n) != 1 || n > in.remaining() / 8) {
      throw new CorruptStoreException("bloom filter of " + n + " words");
    }
    long[] words = new long[n];
    for (int i = 0; i < n; i++) {
      words[i] = in.getLong();
    }
    return new Bloom(words);
  }
}
