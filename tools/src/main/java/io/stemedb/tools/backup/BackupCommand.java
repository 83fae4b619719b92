package io.stemedb.tools.backup;

import io.stemedb.model.StoredRecord;
import io.stemedb.storage.MerkleTree;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stemedb backup --from URL --out DIR}: the node's export at one consistent index, written as
 * {@value Manifest#RECORDS} with a {@value Manifest#FILE}. The Merkle root is recomputed from the
 * records as they arrive and must equal the root the node reported at that index, so a backup that
 * finishes is known to be complete and uncorrupted; it is written under a temporary name and renamed
 * only then.
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
    description = "Backs up a cluster through one node: every record at one consistent index, with a manifest.")
public final class BackupCommand implements Callable<Integer> {
  @Option(names = "--from", required = true, description = "a node's HTTP address, e.g. http://127.0.0.1:18180")
  String from;

  @Option(names = "--out", required = true, description = "a new or empty directory for the backup")
  Path out;

  @picocli.CommandLine.Mixin
  NodeAccess access = new NodeAccess();

  private static final int ATTEMPTS = 3;

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(out);
    try (var existing = Files.list(out)) {
      if (existing.findAny().isPresent()) {
        System.err.println("stemedb backup: " + out + " is not empty; give a new directory");
        return 2;
      }
    }
    Manifest m = null;
    for (int attempt = 1; m == null; attempt++) {
      try {
        m = backup(access.client(from), out);
      } catch (IOException | IllegalArgumentException | IllegalStateException e) {
        // A node that was busy, lost its leader or installed a snapshot mid-export: a new export is safe.
        if (attempt == ATTEMPTS || e instanceof javax.net.ssl.SSLException) { // trust does not come with time
          System.err.println("stemedb backup: failed, nothing was kept: " + e.getMessage());
          return 1;
        }
        System.err.println("stemedb backup: attempt " + attempt + " failed (" + e.getMessage() + "); trying again in 5 s");
        Thread.sleep(5_000);
      }
    }
    System.out.printf("backup of %s at index %d (term %d): %d records, Merkle root %s, in %s%n",
        from, m.index(), m.term(), m.totalRecords(), m.merkleRoot(), out.toAbsolutePath());
    return 0;
  }

  static Manifest backup(AdminClient node, Path out) throws IOException, InterruptedException {
    HttpResponse<InputStream> r = node.stream("/v1/admin/export-assertions");
    long index = header(r, "X-Stemedb-Index");
    long term = header(r, "X-Stemedb-Term");
    String root = r.headers().firstValue("X-Stemedb-Merkle-Root").orElseThrow(
        () -> new IOException("the node sent no Merkle root with its export; is it a StemeDB node of this version?"));
    long expected = header(r, "X-Stemedb-Records");
    Path partial = out.resolve(Manifest.RECORDS + ".partial");
    MessageDigest digest = RecordFile.sha256();
    MerkleTree tree = new MerkleTree();
    Map<String, Long> counts = new TreeMap<>();
    for (String type : List.of("assertion", "retraction", "vote", "agent", "epoch")) {
      counts.put(type, 0L);
    }
    long records = 0;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8), 1 << 16);
        Writer file = new BufferedWriter(new OutputStreamWriter(
            new DigestOutputStream(Files.newOutputStream(partial), digest), StandardCharsets.UTF_8), 1 << 16);
        Progress progress = Progress.start("backup", "records", expected)) {
      String line;
      while ((line = in.readLine()) != null) {
        StoredRecord record = RecordFile.parse(line, records + 1);
        tree.add(record);
        counts.merge(record.type(), 1L, Long::sum);
        file.write(line);
        file.write('\n');
        progress.at(++records);
      }
    }
    if (records != expected || !tree.rootHex().equals(root)) {
      Files.deleteIfExists(partial);
      throw new IOException("the export ended after " + records + " of " + expected + " records, or its Merkle root "
          + tree.rootHex() + " is not the node's " + root + " at index " + index + "; nothing was kept — run the backup again");
    }
    Path records0 = out.resolve(Manifest.RECORDS);
    Files.move(partial, records0, StandardCopyOption.ATOMIC_MOVE);
    Manifest m = new Manifest(1, Instant.now().toString(), node.base(), index, term, root, counts,
        tree.nonEmptyBuckets(),
        List.of(new Manifest.FileEntry(Manifest.RECORDS, Files.size(records0), HexFormat.of().formatHex(digest.digest()))));
    m.write(out.resolve(Manifest.FILE));
    return m;
  }

  private static long header(HttpResponse<?> r, String name) throws IOException {
    String v = r.headers().firstValue(name).orElseThrow(() -> new IOException("the export has no " + name + " header"));
    return Long.parseLong(v);
  }
}
