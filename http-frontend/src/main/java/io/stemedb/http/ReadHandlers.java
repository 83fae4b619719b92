package io.stemedb.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.stemedb.lenses.Lens;
import io.stemedb.lenses.Lenses;
import io.stemedb.lenses.ReadFilter;
import io.stemedb.lenses.Resolution;
import io.stemedb.model.Assertion;
import io.stemedb.raft.Consistency;
import io.stemedb.raft.StemeNode;
import io.stemedb.storage.Store;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/** {@code GET /v1/resolve} and {@code GET /v1/assertions/{id}}: local reads once consistency holds. */
final class ReadHandlers {
  private final StemeNode node;
  private final Limits limits;

  ReadHandlers(StemeNode node, Limits limits) {
    this.node = node;
    this.limits = limits;
  }

  void resolve(Context ctx) throws TimeoutException {
    Params p = new Params(ctx);
    String subject = p.required("subject", limits.maxSubjectBytes());
    String predicate = p.optional("predicate", limits.maxPredicateBytes());
    Lens lens = p.lens();
    Consistency consistency = p.consistency();
    long maxLagMs = p.maxLagMs();
    Long minIndex = p.nonNegativeLong("minIndex");
    Long asOfIndex = p.nonNegativeLong("asOfIndex");
    Long asOf = p.asOf();
    Long epochParam = p.nonNegativeLong("epoch");
    Set<String> agents = p.agents();
    Double minConfidence = p.minConfidence();
    Duration timeout = p.timeout();
    // asOfIndex beyond what is applied waits for it, as minIndex does.
    long waitFor = Math.max(minIndex == null ? 0 : minIndex, asOfIndex == null ? 0 : asOfIndex);

    StemeNode.Read<ObjectNode> read = node.read(consistency, waitFor, maxLagMs, timeout,
        (store, at) -> {
          long index = asOfIndex != null ? asOfIndex : at;
          long epoch = epochParam != null ? epochParam : store.epoch(subject, index);
          ReadFilter filter = new ReadFilter(epoch, index, asOf, agents, minConfidence);
          if (predicate != null) {
            return resolveOne(store, subject, predicate, lens, filter, epoch, index)
                .orElseThrow(() -> ApiException.notFound("no candidate claims for subject " + subject
                    + " and predicate " + predicate + " in epoch " + epoch + " as of index " + index));
          }
          ObjectNode all = Json.object().put("subject", subject).put("index", index);
          ObjectNode predicates = all.putObject("predicates");
          for (String pr : store.predicates(subject, epoch, index)) {
            resolveOne(store, subject, pr, lens, filter, epoch, index).ifPresent(r -> predicates.set(pr, r));
          }
          if (predicates.isEmpty()) {
            throw ApiException.notFound("no candidate claims for subject " + subject + " in epoch " + epoch);
          }
          return all;
        });
    long index = asOfIndex != null ? asOfIndex : read.index();
    ctx.header(ApiServer.INDEX_HEADER, Long.toString(index));
    ctx.contentType("application/json").result(Json.write(read.value()));
  }

  private static Optional<ObjectNode> resolveOne(
      Store store, String subject, String predicate, Lens lens, ReadFilter filter, long epoch, long index) {
    Optional<Resolution> r = Lenses.resolve(lens, store.records(subject, predicate, epoch, index), filter, Lenses.DEFAULT_AUTHORITY);
    return r.map(res -> Json.resolution(subject, predicate, epoch, index, res));
  }

  /**
   * GET /v1/assertions?subject=S[&predicate=P]&afterIndex=N&limit=M: the full history in log order. A
   * page never splits one log index (a batch shares it), so {@code nextAfterIndex} loses nothing; a
   * single index larger than the limit comes whole.
   */
  void history(Context ctx) throws TimeoutException {
    Params p = new Params(ctx);
    String subject = p.required("subject", limits.maxSubjectBytes());
    String predicate = p.optional("predicate", limits.maxPredicateBytes());
    Long after = p.nonNegativeLong("afterIndex");
    Long limitParam = p.nonNegativeLong("limit");
    if (limitParam != null && (limitParam < 1 || limitParam > 1000)) {
      throw ApiException.invalid("limit", "must be between 1 and 1000");
    }
    int limit = limitParam == null ? 100 : limitParam.intValue();
    StemeNode.Read<ObjectNode> read = node.read(p.consistency(), 0, p.maxLagMs(), p.timeout(),
        (store, at) -> {
          java.util.List<Assertion> fetched = new java.util.ArrayList<>(
              store.history(subject, predicate, after == null ? 0 : after, limit + 1).stream()
                  .filter(a -> a.index() <= at).toList());
          boolean more = fetched.size() > limit;
          if (more) {
            long cutIndex = fetched.get(limit).index();
            java.util.List<Assertion> whole = fetched.stream().filter(a -> a.index() < cutIndex).toList();
            if (whole.isEmpty()) {
              // one index holds more than a page: return all of that index
              whole = store.history(subject, predicate, after == null ? 0 : after, Integer.MAX_VALUE).stream()
                  .filter(a -> a.index() == cutIndex).toList();
            }
            fetched = new java.util.ArrayList<>(whole);
          }
          ObjectNode out = Json.object();
          var items = out.putArray("items");
          for (Assertion a : fetched) {
            items.add(Json.claim(a));
          }
          if (more && !fetched.isEmpty()) {
            out.put("nextAfterIndex", fetched.get(fetched.size() - 1).index());
          } else {
            out.putNull("nextAfterIndex");
          }
          return out;
        });
    ctx.header(ApiServer.INDEX_HEADER, Long.toString(read.index()));
    ctx.contentType("application/json").result(Json.write(read.value()));
  }

  void assertion(Context ctx) throws TimeoutException {
    String id = ctx.pathParam("id");
    if (!io.stemedb.model.AssertionId.isWellFormed(id)) {
      throw ApiException.invalid("id", "must be 64 lowercase hex characters");
    }
    Params p = new Params(ctx);
    Long minIndex = p.nonNegativeLong("minIndex");
    StemeNode.Read<ObjectNode> read = node.read(p.consistency(), minIndex == null ? 0 : minIndex,
        p.maxLagMs(), p.timeout(), (store, at) -> {
          Assertion a = store.claim(id).filter(c -> c.index() <= at)
              .orElseThrow(() -> ApiException.notFound("no assertion with id " + id));
          boolean retracted = store.retraction(id).filter(r -> r.index() <= at).isPresent();
          return Json.assertionWithState(a, retracted,
              store.votes(id).stream().filter(v -> v.index() <= at).toList());
        });
    ctx.header(ApiServer.INDEX_HEADER, Long.toString(read.index()));
    ctx.contentType("application/json").result(Json.write(read.value()));
  }
}
