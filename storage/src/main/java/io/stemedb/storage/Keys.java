package io.stemedb.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Composite keys, as bytes compared unsigned lexicographically ({@code Arrays.compareUnsigned}); each
 * key starts with its {@link Table}'s byte. Strings end with a 0x00 byte, which UTF-8 never produces for a
 * non-NUL character, so a key's prefix is exactly "these leading fields"; numbers are 8-byte
 * big-endian so that they sort numerically. The API forbids control characters in every keyed
 * string, and {@link #requireNoNul} keeps the store total if one slips through.
 */
final class Keys {
  static final int ID_BYTES = 32;

  private Keys() {}

  static Builder key() {
    return new Builder();
  }

  static byte[] id(String hexId) {
    return HexFormat.of().parseHex(hexId);
  }

  static String idHex(byte[] key, int offset) {
    return HexFormat.of().formatHex(key, offset, offset + ID_BYTES);
  }

  static long longAt(byte[] key, int offset) {
    return ByteBuffer.wrap(key, offset, 8).getLong();
  }

  static int intAt(byte[] key, int offset) {
    return ByteBuffer.wrap(key, offset, 4).getInt();
  }

  static boolean hasNul(String s) {
    return s.indexOf('\0') >= 0;
  }

  /** The byte just after the string field at {@code offset} (past its 0x00 terminator). */
  static int skipString(byte[] key, int offset) {
    int i = offset;
    while (key[i] != 0) {
      i++;
    }
    return i + 1;
  }

  static String stringAt(byte[] key, int offset) {
    int end = skipString(key, offset) - 1;
    return new String(key, offset, end - offset, StandardCharsets.UTF_8);
  }

  /** Builds a key field by field into one growing array (keys are built on every read and write). */
  static final class Builder {
    private byte[] buf = new byte[48];
    private int length;

    Builder string(String s) {
      return raw(s.getBytes(StandardCharsets.UTF_8)).u8(0);
    }

    Builder id(String hexId) {
      ensure(ID_BYTES);
      for (int i = 0; i < ID_BYTES; i++) {
        buf[length++] = (byte) ((Character.digit(hexId.charAt(2 * i), 16) << 4) | Character.digit(hexId.charAt(2 * i + 1), 16));
      }
      return this;
    }

    Builder u8(int v) {
      ensure(1);
      buf[length++] = (byte) v;
      return this;
    }

    Builder u64(long v) {
      ensure(8);
      for (int i = 7; i >= 0; i--) {
        buf[length++] = (byte) (v >>> (8 * i));
      }
      return this;
    }

    Builder u32(int v) {
      ensure(4);
      for (int i = 3; i >= 0; i--) {
        buf[length++] = (byte) (v >>> (8 * i));
      }
      return this;
    }

    Builder raw(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, buf, length, b.length);
      length += b.length;
      return this;
    }

    private void ensure(int more) {
      if (length + more > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, length + more));
      }
    }

    byte[] build() {
      return java.util.Arrays.copyOf(buf, length);
    }
  }
}
