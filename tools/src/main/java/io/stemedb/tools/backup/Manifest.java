package io.stemedb.tools.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a backup directory holds ({@value #FILE}): the one log index it is consistent at, its term, the
 * Merkle root and bucket hashes there, the record counts by type, and each file's size and SHA-256.
 * Restore checks the files against it before reading them; merkle-verify compares a data directory
 * with it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
    int format,
    String createdAt,
    String source,
    long index,
    long term,
    String merkleRoot,
    Map<String, Long> records,
    Map<String, String> buckets,
    List<FileEntry> files) {

  public static final String FILE = "manifest.json";
  public static final String RECORDS = "records.ndjson";
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public record FileEntry(String name, long bytes, String sha256) {}

  public static Manifest read(Path file) throws IOException {
    Manifest m = JSON.readValue(file.toFile(), Manifest.class);
    if (m.format != 1) {
      throw new IOException(file + " has format " + m.format + "; this version reads format 1");
    }
    return m;
  }

  public void write(Path file) throws IOException {
    JSON.writeValue(file.toFile(), this);
  }

  public long totalRecords() {
    return records.values().stream().mapToLong(Long::longValue).sum();
  }
}
