package io.stemedb.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.stemedb.model.AgentSetting;
import io.stemedb.model.Assertion;
import io.stemedb.model.EpochOpening;
import io.stemedb.model.Retraction;
import io.stemedb.model.StoredRecord;
import io.stemedb.model.Vote;
import io.stemedb.raft.Proposal;
import io.stemedb.raft.StemeNode;
import io.stemedb.raft.UnavailableException;
import io.stemedb.storage.Change;
import io.stemedb.storage.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/admin/import-assertions} (NDJSON, {@link ExportLines}): the records go through Raft
 * in entries of {@value #BATCH} lines, each line its own all-or-nothing request, so a bad line is
 * rejected alone (with its line number, field and rule) and the rest apply. Claims and retractions
 * are idempotent by content; votes, agent settings and epoch openings carry their ordinal in their
 * history ({@link Change.ImportRecord}), so importing the same file twice changes nothing.
 * The body is streamed: only one line (at most the body limit) and one batch are in memory.
 */
final class ImportHandler {
  static final String PATH = "/v1/admin/import-assertions";
  private static final int BATCH = 1_000;
  private static final int LISTED_REJECTIONS = 1_000;

  private final StemeNode node;
  private final ExportLines lines;
  private final int maxLineBytes;

  ImportHandler(StemeNode node, Limits limits) {
    this.node = node;
    this.lines = new ExportLines(limits);
    this.maxLineBytes = (int) Math.min(Integer.MAX_VALUE - 8, limits.maxBodyBytes());
  }

  /** One line waiting in the current batch. */
  private record Pending(long line, Proposal proposal) {}

  void importRecords(Context ctx) throws IOException {
    String type = ctx.contentType();
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).split(";")[0].trim().equals("application/x-ndjson")) {
      throw ApiException.unsupportedMediaType("Content-Type must be application/x-ndjson (one record per line)");
    }
    Tally tally = new Tally();
    Ordinals ordinals = new Ordinals();
    List<Pending> batch = new ArrayList<>(BATCH);
    InputStream in = new java.io.BufferedInputStream(ctx.req().getInputStream(), 1 << 16);
    long lineNo = 0;
    byte[] raw;
    while ((raw = nextLine(in, tally, lineNo + 1)) != null) {
      lineNo++;
      if (raw.length == 0) {
        continue; // an over-long line (already rejected) or a blank one
      }
      tally.read++;
      try {
        StoredRecord record = lines.parse(ClaimParser.utf8(raw));
        batch.add(new Pending(lineNo, proposal(record, ordinals)));
      } catch (ApiException e) {
        tally.reject(lineNo, e.field(), e.getMessage());
      }
      if (batch.size() == BATCH) {
        apply(batch, tally);
      }
    }
    apply(batch, tally);
    ctx.header(ApiServer.INDEX_HEADER, Long.toString(tally.index));
    ctx.contentType("application/json").result(Json.write(tally.body()));
  }

  private static Proposal proposal(StoredRecord record, Ordinals ordinals) {
    if (record instanceof Assertion a) {
      return new Proposal.Claim(a.subject(), a.predicate(), a.value(), a.agent(), a.confidence(), a.observedAt(), a.source());
    }
    if (record instanceof Retraction r) {
      return new Proposal.Other(new Change.Retract(r.assertionId(), r.agent(), r.forced()));
    }
    return new Proposal.Other(new Change.ImportRecord(record, ordinals.next(record)));
  }

  private void apply(List<Pending> batch, Tally tally) {
    if (batch.isEmpty()) {
      return;
    }
    List<List<Proposal>> requests = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      requests.add(List.of(p.proposal()));
    }
    List<List<Outcome>> outcomes;
    try {
      outcomes = node.writeEach(requests);
    } catch (UnavailableException e) {
      throw ApiException.unavailable(e.getMessage() + " (import stopped before line " + batch.get(0).line()
          + "; " + tally.created + " records created so far; importing the same file again is safe)");
    }
    for (int i = 0; i < batch.size(); i++) {
      Outcome o = outcomes.get(i).get(0);
      tally.index = Math.max(tally.index, o.index());
      switch (o.status()) {
        case CREATED -> tally.created++;
        case UNCHANGED -> tally.duplicates++;
        default -> tally.reject(batch.get(i).line(), null, o.status().name().toLowerCase(java.util.Locale.ROOT) + ": " + o.message());
      }
    }
    batch.clear();
  }

  /** The next line's bytes without its newline; an over-long one is rejected and skipped (empty). */
  private byte[] nextLine(InputStream in, Tally tally, long lineNo) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    boolean tooLong = false;
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (line.size() >= maxLineBytes) {
        tooLong = true;
      } else {
        line.write(b);
      }
    }
    if (b < 0 && line.size() == 0 && !tooLong) {
      return null;
    }
    if (tooLong) {
      tally.read++;
      tally.reject(lineNo, null, "the line is longer than " + maxLineBytes + " bytes");
      return new byte[0];
    }
    byte[] bytes = line.toByteArray();
    int end = bytes.length;
    while (end > 0 && (bytes[end - 1] == '\r' || bytes[end - 1] == ' ' || bytes[end - 1] == '\t')) {
      end--;
    }
    return end == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, end);
  }

  /** Each history's next ordinal, counted in file order (see {@link Change.ImportRecord}). */
  private static final class Ordinals {
    private final Map<String, Long> seen = new HashMap<>();

    long next(StoredRecord r) {
      String key;
      if (r instanceof Vote v) {
        key = "v\0" + v.assertionId() + "\0" + v.agent();
      } else if (r instanceof AgentSetting s) {
        key = "a\0" + s.agent();
      } else {
        key = "e\0" + ((EpochOpening) r).subject();
      }
      return seen.merge(key, 1L, Long::sum);
    }
  }

  /** The answer: {"read", "created", "duplicates", "rejected": [{"line", "field"?, "message"}], "rejectedCount"}. */
  private static final class Tally {
    long read;
    long created;
    long duplicates;
    long rejectedCount;
    long index;
    final ArrayNode rejected = Json.MAPPER.createArrayNode();

    void reject(long line, String field, String message) {
      rejectedCount++;
      if (rejected.size() < LISTED_REJECTIONS) {
        ObjectNode r = rejected.addObject().put("line", line);
        if (field != null && !field.isEmpty()) {
          r.put("field", field);
        }
        r.put("message", message);
      }
    }

    ObjectNode body() {
      ObjectNode body = Json.object().put("read", read).put("created", created).put("duplicates", duplicates);
      body.set("rejected", rejected);
      return body.put("rejectedCount", rejectedCount).put("index", index);
    }
  }
}
