package io.stemedb.storage;

import io.stemedb.model.AgentSetting;
import io.stemedb.model.Assertion;
import io.stemedb.model.EpochOpening;
import io.stemedb.model.Retraction;
import io.stemedb.model.Stance;
import io.stemedb.model.StoredRecord;
import io.stemedb.model.Vote;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The on-disk form of a record's <em>content</em>: everything but its log index, which is part of the
 * key the record is stored under. The same bytes are the Merkle leaf's input, so the Merkle root does
 * not depend on which log positions the records landed at (export/import keeps the root).
 *
 * <p>Format: a tag byte, then the fields in declaration order; strings as int length + UTF-8 (values
 * can exceed {@code writeUTF}'s 64 KiB); ids as 32 raw bytes. Changing it is a storage format change.
 */
final class RecordCodec {
  private static final byte ASSERTION = 1;
  private static final byte RETRACTION = 2;
  private static final byte VOTE = 3;
  private static final byte AGENT = 4;
  private static final byte EPOCH = 5;

  private RecordCodec() {}

  static byte[] encode(StoredRecord record) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      if (record instanceof Assertion a) {
        out.writeByte(ASSERTION);
        out.write(Keys.id(a.id()));
        writeString(out, a.subject());
        writeString(out, a.predicate());
        writeString(out, a.value());
        writeString(out, a.agent());
        out.writeDouble(a.confidence());
        out.writeLong(a.observedAt());
        writeOptionalString(out, a.source());
        out.writeLong(a.epoch());
      } else if (record instanceof Retraction r) {
        out.writeByte(RETRACTION);
        out.write(Keys.id(r.assertionId()));
        writeString(out, r.agent());
        out.writeBoolean(r.forced());
      } else if (record instanceof Vote v) {
        out.writeByte(VOTE);
        out.write(Keys.id(v.assertionId()));
        writeString(out, v.agent());
        out.writeByte(v.stance().ordinal());
      } else if (record instanceof AgentSetting s) {
        out.writeByte(AGENT);
        writeString(out, s.agent());
        out.writeDouble(s.authority());
        writeString(out, s.description());
      } else if (record instanceof EpochOpening e) {
        out.writeByte(EPOCH);
        writeString(out, e.subject());
        writeString(out, e.reason());
        writeOptionalString(out, e.requestId());
      } else {
        throw new IllegalArgumentException("unknown record type " + record.getClass());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory stream cannot fail", e);
    }
    return bytes.toByteArray();
  }

  static StoredRecord decode(byte[] content, long index) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(content))) {
      byte tag = in.readByte();
      switch (tag) {
        case ASSERTION -> {
          String id = readId(in);
          String subject = readString(in);
          String predicate = readString(in);
          String value = readString(in);
          String agent = readString(in);
          double confidence = in.readDouble();
          long observedAt = in.readLong();
          String source = readOptionalString(in);
          long epoch = in.readLong();
          return new Assertion(
              id, subject, predicate, value, agent, confidence, observedAt, source, index, epoch);
        }
        case RETRACTION -> {
          return new Retraction(readId(in), readString(in), in.readBoolean(), index);
        }
        case VOTE -> {
          return new Vote(readId(in), readString(in), Stance.values()[in.readByte()], index);
        }
        case AGENT -> {
          return new AgentSetting(readString(in), in.readDouble(), readString(in), index);
        }
        case EPOCH -> {
          return new EpochOpening(readString(in), readString(in), readOptionalString(in), index);
        }
        default -> throw new CorruptStoreException("unknown record tag " + tag + " at index " + index);
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof CorruptStoreException c) {
        throw c;
      }
      throw new CorruptStoreException("undecodable record at index " + index, e);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static void writeOptionalString(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      writeString(out, s);
    }
  }

  private static String readString(DataInputStream in) throws IOException {
    int len = in.readInt();
    if (len < 0 || len > in.available()) {
      throw new IOException("string length " + len + " out of range");
    }
    byte[] b = in.readNBytes(len);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static String readOptionalString(DataInputStream in) throws IOException {
    return in.readBoolean() ? readString(in) : null;
  }

  private static String readId(DataInputStream in) throws IOException {
    byte[] id = in.readNBytes(Keys.ID_BYTES);
    if (id.length != Keys.ID_BYTES) {
      throw new IOException("truncated id");
    }
    return Keys.idHex(id, 0);
  }
}
