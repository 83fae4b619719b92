package io.stemedb.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.sse.SseClient;
import io.stemedb.model.Assertion;
import io.stemedb.model.EpochOpening;
import io.stemedb.model.Retraction;
import io.stemedb.model.StoredRecord;
import io.stemedb.model.Vote;
import io.stemedb.raft.StemeNode;
import io.stemedb.storage.Store;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/watch?subject=S[&predicate=P]&fromIndex=N}: Server-Sent Events, one per applied
 * record about the subject (claims, their retractions and votes, epoch openings for it or for every
 * subject), in log order, with {@code id:} = the record's log index. Delivery is at-least-once:
 * {@code fromIndex} (or a reconnect's {@code Last-Event-ID}) is inclusive, because several records can
 * share an index, so a resumed watch misses nothing and may repeat records of that one index.
 */
final class WatchHandler {
  private static final Logger LOG = LoggerFactory.getLogger(WatchHandler.class);
  private static final int CHUNK = 1000;

  private final StemeNode node;
  private final Limits limits;

  WatchHandler(StemeNode node, Limits limits) {
    this.node = node;
    this.limits = limits;
  }

  /** Checks the parameters before the stream opens, so that bad ones get a normal 400. */
  void validate(io.javalin.http.Context ctx) {
    if (ctx.method() != io.javalin.http.HandlerType.GET) {
      return; // a before-handler sees every method; the others get their 405
    }
    String accept = ctx.header("Accept");
    if (accept == null || !accept.contains("text/event-stream")) {
      // Javalin streams only to clients that ask for it; an empty 200 would look like "no changes".
      throw ApiException.invalid("Accept", "a watch is a Server-Sent Events stream: send Accept: text/event-stream");
    }
    Params p = new Params(ctx);
    p.required("subject", limits.maxSubjectBytes());
    p.optional("predicate", limits.maxPredicateBytes());
    p.nonNegativeLong("fromIndex");
  }

  void stream(SseClient client) {
    io.javalin.http.Context ctx = client.ctx();
    String subject = ctx.queryParam("subject");
    String predicate = ctx.queryParam("predicate");
    long from = 0;
    String last = ctx.header("Last-Event-ID");
    if (last != null && last.matches("[0-9]{1,18}")) {
      from = Long.parseLong(last);
    } else if (ctx.queryParam("fromIndex") != null) {
      from = Long.parseLong(ctx.queryParam("fromIndex"));
    }
    AtomicBoolean open = new AtomicBoolean(true);
    client.onClose(() -> open.set(false));
    client.keepAlive();
    long start = from;
    Thread follower = new Thread(() -> follow(client, open, subject, predicate, start), "stemedb-watch");
    follower.setDaemon(true);
    follower.start();
  }

  private void follow(SseClient client, AtomicBoolean open, String subject, String predicate, long fromIndex) {
    long after = Math.max(0, fromIndex - 1);
    long quietSince = System.nanoTime();
    try {
      while (open.get() && !client.terminated()) {
        Store store = node.stateMachine().store();
        // whole log indexes only (Store.recordsAfter), so "after the last index sent" misses nothing
        List<StoredRecord> records = store.recordsAfter(after, CHUNK);
        for (StoredRecord r : records) {
          Optional<ObjectNode> event = describe(store, r, subject, predicate);
          if (event.isPresent()) {
            client.sendEvent(r.type(), Json.write(event.get()), Long.toString(r.index()));
            quietSince = System.nanoTime();
          }
        }
        if (!records.isEmpty()) {
          after = records.get(records.size() - 1).index();
          continue;
        }
        if (System.nanoTime() - quietSince > 15_000_000_000L) {
          client.sendComment("keep-alive");
          quietSince = System.nanoTime();
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.debug("watch on {} ended: {}", subject, e.toString());
    } finally {
      client.close();
    }
  }

  /** The event for {@code r} if it concerns the watched subject (and predicate). */
  static Optional<ObjectNode> describe(Store store, StoredRecord r, String subject, String predicate) {
    if (r instanceof Assertion a) {
      return matches(a, subject, predicate) ? Optional.of(Json.claim(a)) : Optional.empty();
    }
    if (r instanceof Retraction x) {
      return store.claim(x.assertionId()).filter(a -> matches(a, subject, predicate))
          .map(a -> Json.object().put("assertionId", x.assertionId()).put("agent", x.agent())
              .put("forced", x.forced()).put("index", x.index()));
    }
    if (r instanceof Vote v) {
      return store.claim(v.assertionId()).filter(a -> matches(a, subject, predicate))
          .map(a -> Json.object().put("assertionId", v.assertionId()).put("agent", v.agent())
              .put("stance", v.stance().wireName()).put("index", v.index()));
    }
    if (r instanceof EpochOpening e && e.appliesTo(subject)) {
      return Optional.of(Json.object().put("subject", e.subject()).put("reason", e.reason()).put("index", e.index()));
    }
    return Optional.empty(); // agent settings, and anything about other subjects
  }

  private static boolean matches(Assertion a, String subject, String predicate) {
    return a.subject().equals(subject) && (predicate == null || a.predicate().equals(predicate));
  }
}
