package io.stemedb.raft;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Linearizable reads on one node share Raft ReadIndex rounds.
 *
 * <p>A read that arrives at time t may be answered from the local store once the node has applied
 * everything committed before t, which one ReadIndex round started after t establishes. Each round
 * costs a trip through the Raft server (and, on a follower, to the leader), so rounds are not run per
 * read: while one is out, every read that arrives waits for the next, which starts when the current
 * one ends and so after all of them arrived. At most one round is out at a time; under load a round
 * serves every read that came in during the previous one, the way group commit serves writes.
 */
final class ReadBarriers {
  private final Supplier<CompletableFuture<Void>> round;
  private final Executor executor;
  /** Readers who arrived while a round was out; the next round serves them. Guarded by this. */
  private CompletableFuture<Void> waiting;
  private boolean inFlight;

  ReadBarriers(Supplier<CompletableFuture<Void>> round, Executor executor) {
    this.round = round;
    this.executor = executor;
  }

  /** Completes once a ReadIndex round that started after this call has been applied locally. */
  CompletableFuture<Void> await() {
    CompletableFuture<Void> mine;
    boolean start;
    synchronized (this) {
      if (waiting == null) {
        waiting = new CompletableFuture<>();
      }
      mine = waiting;
      start = !inFlight;
      if (start) {
        inFlight = true;
        waiting = null;
      }
    }
    if (start) {
      run(mine);
    }
    return mine;
  }

  private void run(CompletableFuture<Void> readers) {
    CompletableFuture<Void> r;
    try {
      r = round.get();
    } catch (RuntimeException e) {
      r = CompletableFuture.failedFuture(e);
    }
    r.whenCompleteAsync((ok, error) -> {
      if (error != null) {
        readers.completeExceptionally(error);
      } else {
        readers.complete(null);
      }
      CompletableFuture<Void> next;
      synchronized (this) {
        next = waiting;
        waiting = null;
        inFlight = next != null;
      }
      if (next != null) {
        run(next);
      }
    }, executor);
  }
}
