package io.stemedb.tools.backup;

import io.stemedb.http.ApiException;
import io.stemedb.http.ExportLines;
import io.stemedb.http.Limits;
import io.stemedb.model.StoredRecord;
import io.stemedb.storage.LogRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.LongConsumer;

/**
 * A backup's records file: the export's NDJSON, read back as the store's log records. Lines from a
 * backup were accepted by the cluster that wrote them, possibly under larger configured limits, so
 * they are parsed with wide ones; their shape and content rules still apply.
 */
final class RecordFile {
  static final Limits WIDE = new Limits(1L << 30, 1_000_000, 1 << 30, 100, 1 << 20, 1 << 20, 1 << 20, 1 << 20);
  private static final ExportLines LINES = new ExportLines(WIDE);

  private RecordFile() {}

  static StoredRecord parse(String line, long lineNo) {
    try {
      return LINES.parse(line);
    } catch (ApiException e) {
      throw new IllegalArgumentException("line " + lineNo + (e.field() == null || e.field().isEmpty() ? "" : ", " + e.field())
          + ": " + e.getMessage());
    }
  }

  static String sha256(Path file, LongConsumer bytesRead) throws IOException {
    MessageDigest digest = sha256();
    byte[] buffer = new byte[1 << 16];
    long total = 0;
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
        bytesRead.accept(total);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * The file's records as log records at their original positions (the sequence within an index
   * follows the file's order, which is log order), for {@code Store.restore}.
   */
  static Iterable<LogRecord> logRecords(BufferedReader reader, LongConsumer recordsRead) {
    return () -> new Iterator<>() {
      private LogRecord next;
      private long lineNo;
      private long count;
      private long lastIndex = -1;
      private int seq;

      @Override
      public boolean hasNext() {
        if (next == null) {
          next = read();
        }
        return next != null;
      }

      @Override
      public LogRecord next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        LogRecord r = next;
        next = null;
        return r;
      }

      private LogRecord read() {
        try {
          String line;
          while ((line = reader.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
              continue;
            }
            StoredRecord record = parse(line, lineNo);
            if (record.index() < 1 || record.index() < lastIndex) {
              throw new IllegalArgumentException("line " + lineNo + ": index " + record.index()
                  + " is not in log order (a backup file lists records by increasing index)");
            }
            seq = record.index() == lastIndex ? seq + 1 : 0;
            lastIndex = record.index();
            recordsRead.accept(++count);
            return LogRecord.of(record, seq);
          }
          return null;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  static BufferedReader open(Path file) throws IOException {
    return Files.newBufferedReader(file, StandardCharsets.UTF_8);
  }
}
