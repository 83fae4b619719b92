package io.stemedb.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.tools.bench.load.Comparison;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The StemeDB-only figures end to end at a tiny N: ingest, RSS, a snapshot under writes, a follower
 * restarted, and a follower stopped, left behind and caught up — on the benchmark's own cluster.
 */
class StemeDbFiguresBenchmarkTest {

  @Test
  void everyFigureAtATinySize() {
    StemeDbFiguresBenchmark bench = new StemeDbFiguresBenchmark();
    StringWriter text = new StringWriter();
    int rc = new CommandLine(bench).setOut(new PrintWriter(text, true)).execute(
        "--assertions", "2000", "--batch-size", "500", "--batch-connections", "2", "--runs", "1",
        "--snapshot-connections", "2", "--snapshot-before", "1", "--snapshot-after", "1", "--wait", "60");
    String output = text.toString();
    System.out.println(output); // into target/surefire-reports/*-output.txt

    assertThat(rc).as(output).isZero();
    Comparison t = bench.figuresTable;
    assertThat(t.values("batched ingest of 2,000 (2 × 500)", Comparison.STEMEDB)).singleElement()
        .satisfies(v -> assertThat(v).isNotNaN().isPositive());
    for (String node : new String[] {"n1", "n2", "n3"}) {
      assertThat(t.values("RSS of " + node + " holding 2,000", Comparison.STEMEDB)).singleElement()
          .satisfies(v -> assertThat(v).isBetween(16.0, 4096.0));
    }
    assertThat(t.values("longest write stall while the leader snapshots 2,000 (2 connections)", Comparison.STEMEDB)).singleElement()
        .satisfies(v -> assertThat(v).isNotNaN().isPositive());
    assertThat(t.values("restart of a follower holding 2,000: process start → /ready 200 and applied ≥ commit", Comparison.STEMEDB))
        .singleElement().satisfies(v -> assertThat(v).isBetween(1.0, 60_000.0));
    assertThat(t.values("catch-up of a follower 2,000 behind, from process start", Comparison.STEMEDB)).singleElement()
        .satisfies(v -> assertThat(v).isNotNaN().isPositive());
    assertThat(output).contains("command: ./bench stemedb-figures --assertions 2000", "snapshot of the leader",
        "catch-up of follower", "2,000 assertions behind", "| figure | (etcd) | StemeDB | | target |");
  }
}
