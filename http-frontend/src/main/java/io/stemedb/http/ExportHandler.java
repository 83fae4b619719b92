package io.stemedb.http;

import io.javalin.http.Context;
import io.stemedb.raft.StemeNode;
import io.stemedb.storage.LogRecord;
import io.stemedb.storage.Store;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * {@code GET /v1/admin/export-assertions[?sinceIndex=N]}: every record as NDJSON ({@link ExportLines}),
 * in log order, at one consistent index. The bound is taken with the Merkle root there (headers
 * {@code X-Stemedb-Index}, {@code X-Stemedb-Term}, {@code X-Stemedb-Merkle-Root}, {@code
 * X-Stemedb-Records}), and records are streamed in chunks below it while the node goes on applying —
 * so an export of the whole store is exactly the state the root names, which is what a backup checks.
 */
final class ExportHandler {
  static final String TERM_HEADER = "X-Stemedb-Term";
  static final String ROOT_HEADER = "X-Stemedb-Merkle-Root";
  static final String RECORDS_HEADER = "X-Stemedb-Records";
  private static final int CHUNK = 2_000;

  private final StemeNode node;

  ExportHandler(StemeNode node) {
    this.node = node;
  }

  void export(Context ctx) throws TimeoutException {
    Params p = new Params(ctx);
    Long since = p.nonNegativeLong("sinceIndex");
    // The read's consistency (linearizable by default) decides how fresh the point is.
    // The store and its point are taken together: a snapshot install may swap the store at any time.
    StemeNode.Read<At> read = node.read(p.consistency(), 0, p.maxLagMs(), p.timeout(), (s, at) -> new At(s, s.point()));
    Store store = read.value().store();
    Store.Point point = read.value().point();
    ctx.status(200).contentType("application/x-ndjson");
    ctx.header(ApiServer.INDEX_HEADER, Long.toString(point.index()));
    ctx.header(TERM_HEADER, Long.toString(point.term()));
    if (since == null || since == 0) {
      // The root covers every record: it describes this export only when nothing is left out.
      ctx.header(ROOT_HEADER, point.root());
      ctx.header(RECORDS_HEADER, Long.toString(point.records()));
    }
    try (Writer out = new BufferedWriter(new OutputStreamWriter(ctx.res().getOutputStream(), StandardCharsets.UTF_8), 1 << 16)) {
      long afterIndex = since == null ? 0 : since;
      int afterSeq = -1; // compared unsigned: after every record of afterIndex
      while (true) {
        List<LogRecord> chunk = store.logChunk(afterIndex, afterSeq, point.index(), CHUNK);
        for (LogRecord r : chunk) {
          out.write(ExportLines.line(r.record()));
          out.write('\n');
          afterIndex = r.index();
          afterSeq = r.seq();
        }
        if (chunk.size() < CHUNK) {
          break;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the client went away during the export", e);
    } catch (RuntimeException e) {
      if (ctx.res().isCommitted()) {
        throw e; // the client sees a cut stream: fewer records than X-Stemedb-Records, and no root match
      }
      // Typically a snapshot install that replaced (and closed) the store under us.
      throw ApiException.unavailable("the export could not be read (" + e + "); the node may have installed a "
          + "snapshot meanwhile: export again");
    }
  }

  private record At(Store store, Store.Point point) {}
}
