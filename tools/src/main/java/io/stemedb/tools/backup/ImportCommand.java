package io.stemedb.tools.backup;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stemedb import --to URL --file FILE}: streams an NDJSON file to the import endpoint, with progress
 * by bytes sent, and prints its counts and rejections. Importing the same file again changes nothing,
 * so a failed import is simply run again.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Imports an NDJSON export through Raft, in batches; idempotent.")
public final class ImportCommand implements Callable<Integer> {
  @Option(names = "--to", required = true, description = "a node's HTTP address")
  String to;

  @Option(names = "--file", required = true, description = "the NDJSON file (an export)")
  Path file;

  @picocli.CommandLine.Mixin
  NodeAccess access = new NodeAccess();

  @Override
  public Integer call() throws Exception {
    long size = Files.size(file);
    JsonNode answer;
    try (Progress progress = Progress.start("import", "bytes", size)) {
      answer = access.client(to).postNdjson("/v1/admin/import-assertions",
          HttpRequest.BodyPublishers.ofInputStream(() -> counting(file, progress)));
    } catch (IOException e) {
      System.err.println("stemedb import: failed: " + e.getMessage() + " (importing the file again is safe)");
      return 1;
    }
    System.out.printf("read %d, created %d, duplicates %d, rejected %d (index %d)%n", answer.path("read").asLong(),
        answer.path("created").asLong(), answer.path("duplicates").asLong(), answer.path("rejectedCount").asLong(),
        answer.path("index").asLong());
    for (JsonNode r : answer.path("rejected")) {
      System.out.printf("  line %d%s: %s%n", r.path("line").asLong(),
          r.has("field") ? " (" + r.path("field").asText() + ")" : "", r.path("message").asText());
    }
    return answer.path("rejectedCount").asLong() == 0 ? 0 : 1;
  }

  private static InputStream counting(Path file, Progress progress) {
    try {
      return new FilterInputStream(Files.newInputStream(file)) {
        long sent;

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n = super.read(b, off, len);
          if (n > 0) {
            sent += n;
            progress.at(sent);
          }
          return n;
        }
      };
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
