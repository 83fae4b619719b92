package io.stemedb.tools.bench.load;

import java.net.URI;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The longest write stall while a snapshot is taken: N connections write single claims steadily; after
 * {@code beforeSeconds}, POST /v1/admin/snapshot goes to one node; writes go on for {@code afterSeconds}
 * after it answered. The stall is the longest gap between successive acknowledgements (of any
 * connection) that overlaps the snapshot; the longest gap before it is the baseline, so a stall that is
 * only the machine's usual jitter shows as such.
 */
public final class SnapshotStallScenario {
  /**
   * @param snapshotMs how long POST /v1/admin/snapshot took
   * @param stallMs longest gap between acknowledgements overlapping [snapshot sent, answered + afterSeconds]
   * @param baselineMs longest gap before the snapshot was sent (after the first second)
   */
  public record Result(URI node, long snapshotIndex, int snapshotStatus, double snapshotMs, double stallMs, double baselineMs,
      long acknowledged) {}

  private final Http http;
  private final Target.RoundRobin writes;
  private final Dialect dialect;
  private final AtomicLong sequence;

  public SnapshotStallScenario(Http http, Target.RoundRobin writes, Dialect dialect, AtomicLong sequence) {
    this.http = http;
    this.writes = writes;
    this.dialect = dialect;
    this.sequence = sequence;
  }

  public Result run(URI snapshotNode, int connections, int beforeSeconds, int afterSeconds) throws InterruptedException {
    long start = System.nanoTime();
    long snapshotDue = start + TimeUnit.SECONDS.toNanos(beforeSeconds);
    AtomicLong end = new AtomicLong(Long.MAX_VALUE);   // known once the snapshot has answered
    long[][] acks = new long[connections][];
    long[] snap = new long[3];   // sent, answered, index
    int[] status = new int[1];
    Workers.run("snapshot-stall", connections + 1, worker -> {
      if (worker == connections) {
        while (System.nanoTime() < snapshotDue) {
          TimeUnit.NANOSECONDS.sleep(snapshotDue - System.nanoTime());
        }
        snap[0] = System.nanoTime();
        Http.Reply r = http.post(snapshotNode.resolve("/v1/admin/snapshot"), new byte[0]);
        snap[1] = System.nanoTime();
        status[0] = r.status();
        String text = r.text().replaceAll("[^0-9]", "");
        snap[2] = r.ok() && !text.isEmpty() ? Long.parseLong(text) : -1;
        end.set(snap[1] + TimeUnit.SECONDS.toNanos(afterSeconds));
        return;
      }
      long[] mine = new long[4096];
      int n = 0;
      while (System.nanoTime() < end.get()) {
        Http.Reply r = dialect.send(http, writes.next(), dialect.write(sequence.getAndIncrement()));
        if (r.ok()) {
          if (n == mine.length) {
            mine = Arrays.copyOf(mine, n * 2);
          }
          mine[n++] = System.nanoTime();
        }
      }
      acks[worker] = Arrays.copyOf(mine, n);
    });
    long[] all = Arrays.stream(acks).flatMapToLong(Arrays::stream).sorted().toArray();
    long baseline = 0;
    long stall = 0;
    long from = start + TimeUnit.SECONDS.toNanos(1);
    for (int i = 1; i < all.length; i++) {
      long gap = all[i] - all[i - 1];
      if (all[i - 1] >= from && all[i] <= snap[0]) {
        baseline = Math.max(baseline, gap);
      }
      if (all[i] >= snap[0] && all[i - 1] <= end.get()) {
        stall = Math.max(stall, gap);
      }
    }
    if (all.length == 0 || all[all.length - 1] < end.get()) {
      // Nothing acknowledged after the last ack up to the end: that silence is a stall too.
      stall = Math.max(stall, end.get() - Math.max(snap[0], all.length == 0 ? snap[0] : all[all.length - 1]));
    }
    return new Result(snapshotNode, snap[2], status[0], (snap[1] - snap[0]) / 1e6, stall / 1e6, baseline / 1e6, all.length);
  }
}
