package io.stemedb.raft;

import io.prometheus.client.Histogram;
import io.stemedb.raft.proto.LogEntry;
import io.stemedb.raft.proto.Request;
import io.stemedb.storage.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coalesces concurrent client requests on this node into one Raft entry each round trip.
 *
 * <p>One entry per request caps writes at what Raft round trips allow (a few hundred a second on
 * two cores, see the benchmarks). Here a single dispatcher thread holds at most {@code maxInFlight}
 * entries in flight; while they are out, new requests queue, and the next free slot takes the queue
 * (up to {@code maxRequests} and {@code maxBytes}, waiting at most {@code linger} for more) as one
 * entry. An idle node therefore sends a lone request at once, and a busy one sends big entries.
 *
 * <p>Each request stays its own unit: it was checked alone before it queued, it applies
 * all-or-nothing on its own inside the entry, and it gets its own outcomes. Only what befalls the
 * whole entry (no quorum, a timeout) is shared by every request in it.
 */
final class GroupCommit implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

  private record Pending(Request request, CompletableFuture<List<Outcome>> result) {
    int bytes() {
      return request.getSerializedSize();
    }
  }

  private final GroupCommitConfig config;
  private final Function<LogEntry, CompletableFuture<List<List<Outcome>>>> proposer;
  private final Histogram batchRequests;
  private final Histogram batchBytes;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Semaphore slots;
  private final Thread dispatcher;
  private volatile boolean closed;
  /** The request that did not fit the last entry; it opens the next one. Dispatcher thread only. */
  private Pending carried;

  GroupCommit(
      String nodeId,
      GroupCommitConfig config,
      Function<LogEntry, CompletableFuture<List<List<Outcome>>>> proposer,
      Histogram batchRequests,
      Histogram batchBytes) {
    this.config = config;
    this.proposer = proposer;
    this.batchRequests = batchRequests;
    this.batchBytes = batchBytes;
    this.slots = new Semaphore(config.maxInFlight());
    this.dispatcher = new Thread(this::dispatch, "stemedb-group-commit-" + nodeId);
    dispatcher.setDaemon(true);
    dispatcher.start();
  }

  /** Queues one checked request; completes with its outcomes when its entry has applied. */
  CompletableFuture<List<Outcome>> submit(Request request) {
    CompletableFuture<List<Outcome>> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(new UnavailableException("the node is shutting down", null));
      return result;
    }
    queue.add(new Pending(request, result));
    return result;
  }

  private void dispatch() {
    while (!closed) {
      try {
        Pending first = carried != null ? carried : queue.take();
        carried = null;
        if (first.result().isDone()) {
          continue; // its client gave up waiting (timeout): do not commit what nobody waits for
        }
        slots.acquire();
        List<Pending> batch = gather(first);
        send(batch);
      } catch (InterruptedException e) {
        break;
      } catch (RuntimeException e) {
        LOG.error("group commit dispatcher: unexpected error; it goes on with the next request", e);
      }
    }
    failAll(new UnavailableException("the node is shutting down", null));
  }

  /** The entry that {@code first} opens: what is queued now, and what arrives within the linger. */
  private List<Pending> gather(Pending first) throws InterruptedException {
    List<Pending> batch = new ArrayList<>();
    batch.add(first);
    long bytes = first.bytes();
    long deadline = System.nanoTime() + config.linger().toNanos();
    while (batch.size() < config.maxRequests()) {
      Pending next = queue.poll();
      if (next == null) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || (next = queue.poll(left, TimeUnit.NANOSECONDS)) == null) {
          break;
        }
      }
      if (next.result().isDone()) {
        continue;
      }
      if (bytes + next.bytes() > config.maxBytes()) {
        carried = next;
        break;
      }
      batch.add(next);
      bytes += next.bytes();
    }
    batchRequests.observe(batch.size());
    batchBytes.observe(bytes);
    return batch;
  }

  private void send(List<Pending> batch) {
    LogEntry.Builder entry = LogEntry.newBuilder();
    for (Pending p : batch) {
      entry.addRequests(p.request());
    }
    CompletableFuture<List<List<Outcome>>> proposed;
    try {
      proposed = proposer.apply(entry.build());
    } catch (RuntimeException e) {
      proposed = CompletableFuture.failedFuture(e);
    }
    proposed.whenComplete((outcomes, error) -> {
      slots.release();
      for (int i = 0; i < batch.size(); i++) {
        if (error != null) {
          batch.get(i).result().completeExceptionally(error);
        } else {
          batch.get(i).result().complete(outcomes.get(i));
        }
      }
    });
  }

  private void failAll(RuntimeException error) {
    if (carried != null) {
      carried.result().completeExceptionally(error);
    }
    for (Pending p; (p = queue.poll()) != null; ) {
      p.result().completeExceptionally(error);
    }
  }

  @Override
  public void close() {
    closed = true;
    dispatcher.interrupt();
    try {
      dispatcher.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failAll(new UnavailableException("the node is shutting down", null));
  }
}
