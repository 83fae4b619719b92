package io.stemedb.tools.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * N platform threads, each one client connection's worth of load: it sends a request, waits for the
 * answer, and goes on. Blocking threads were measured to cost the client less than an async pipeline at
 * these concurrencies (docs/benchmarks.md), and they make "N connections" mean exactly N requests in flight.
 */
final class Workers {
  private Workers() {}

  /** Runs {@code body} on {@code n} threads (its argument: the worker's number) and waits for all of them. */
  static void run(String name, int n, WorkerBody body) throws InterruptedException {
    List<Thread> threads = new ArrayList<>(n);
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < n; i++) {
      int worker = i;
      Thread t = new Thread(() -> {
        try {
          body.run(worker);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          failures.add(e);
        }
      }, name + "-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
    try {
      for (Thread t : threads) {
        t.join();
      }
    } catch (InterruptedException e) {
      threads.forEach(Thread::interrupt);
      throw e;
    }
    if (!failures.isEmpty()) {
      IllegalStateException e = new IllegalStateException(name + ": a worker failed", failures.get(0));
      failures.stream().skip(1).forEach(e::addSuppressed);
      throw e;
    }
  }

  @FunctionalInterface
  interface WorkerBody {
    void run(int worker) throws InterruptedException;
  }
}
