package io.stemedb.tools.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stemedb export --from URL --out FILE [--since-index N]}: the NDJSON export to a file, with progress. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Exports every record (or those after an index) as NDJSON at one consistent index.")
public final class ExportCommand implements Callable<Integer> {
  @Option(names = "--from", required = true, description = "a node's HTTP address")
  String from;

  @Option(names = "--out", required = true, description = "the NDJSON file to write")
  Path out;

  @Option(names = "--since-index", description = "only records applied after this index", defaultValue = "0")
  long sinceIndex;

  @picocli.CommandLine.Mixin
  NodeAccess access = new NodeAccess();

  @Override
  public Integer call() throws Exception {
    AdminClient node = access.client(from);
    try {
      HttpResponse<InputStream> r = node.stream("/v1/admin/export-assertions?sinceIndex=" + sinceIndex);
      long index = Long.parseLong(r.headers().firstValue("X-Stemedb-Index").orElse("0"));
      long total = Long.parseLong(r.headers().firstValue("X-Stemedb-Records").orElse("0"));
      long lines = 0;
      try (InputStream in = r.body(); OutputStream file = Files.newOutputStream(out);
          Progress progress = Progress.start("export", "records", total)) {
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) > 0) {
          file.write(buffer, 0, n);
          for (int i = 0; i < n; i++) {
            lines += buffer[i] == '\n' ? 1 : 0;
          }
          progress.at(lines);
        }
      }
      System.out.printf("exported %d records at index %d to %s%n", lines, index, out.toAbsolutePath());
      return 0;
    } catch (IOException e) {
      System.err.println("stemedb export: failed: " + e.getMessage());
      return 1;
    }
  }
}
