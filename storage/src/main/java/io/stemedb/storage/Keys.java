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

  static final class Builder {
    private final ByteBuffer buf = ByteBuffer.allocate(1024);
    private byte[] big;

    Builder string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      return raw(b).raw(new byte[] {0});
    }

    Builder id(String hexId) {
      return raw(Keys.id(hexId));
    }

    Builder u8(int v) {
      return raw(new byte[] {(byte) v});
    }

    Builder u64(long v) {
      return raw(ByteBuffer.allocate(8).putLong(v).array());
    }

    Builder u32(int v) {
      return raw(ByteBuffer.allocate(4).putInt(v).array());
    }

    Builder raw(byte[] b) {
      if (big != null || buf.remaining() < b.length) {
        byte[] sofar = build();
        big = new byte[sofar.length + b.length];
        System.arraycopy(sofar, 0, big, 0, sofar.length);
        System.arraycopy(b, 0, big, sofar.length, b.length);
      } else {
        buf.put(b);
      }
      return this;
    }

    byte[] build() {
      if (big != null) {
        return big;
      }
      byte[] out = new byte[buf.position()];
      System.arraycopy(buf.array(), 0, out, 0, out.length);
      return out;
    }
  }
}
