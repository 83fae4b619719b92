package io.stemedb.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.tools.bench.load.LevelResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The load generator end to end at tiny sizes: it starts its own 3-process cluster, runs every
 * scenario twice, prints a line per level and the markdown table, and stops the cluster again.
 */
class HttpLoadBenchmarkTest {

  @Test
  void everyScenarioAtTinySizesAgainstItsOwnCluster() {
    HttpLoadBenchmark bench = new HttpLoadBenchmark();
    StringWriter text = new StringWriter();
    int rc = new CommandLine(bench).setOut(new PrintWriter(text, true)).execute(
        "--runs", "2", "--seconds", "1", "--warmup", "0", "--connections", "1,4",
        "--batch-size", "250", "--batch-total", "1000", "--batch-connections", "2",
        "--stored", "2000", "--claims-per-key", "10", "--rate", "50", "--resolve-connections", "4");
    String output = text.toString();
    System.out.println(output); // into target/surefire-reports/*-output.txt, beside the cluster's own lines

    assertThat(rc).as(output).isZero();
    List<LevelResult> results = bench.report.results();
    assertThat(results).extracting(r -> r.scenario() + " " + r.level()).containsExactly(
        "single 1 connection", "single 1 connection", "single 4 connections", "single 4 connections",
        "batch 2 × 250", "batch 2 × 250", "resolve 50/s", "resolve 50/s");
    assertThat(results).allSatisfy(r -> {
      assertThat(r.ok()).as(r.toString()).isPositive();
      assertThat(r.serverErrors()).as(r.toString()).isZero();
      assertThat(r.p50Ms()).as(r.toString()).isPositive();
    });
    assertThat(results).filteredOn(r -> r.scenario().equals("batch")).allSatisfy(r ->
        assertThat(r.assertions()).isEqualTo(1000));
    assertThat(output)
        .contains("machine: ", "java: ", "command: ./bench http-load --runs 2")
        .contains("rate limits raised")
        .contains("resolve: loaded 1,000 assertions")   // the first run's batch wrote the other 1,000
        .contains("resolve: 50/s over 200 keys", "resolve: 50/s over 300 keys")
        .contains("summary: median of 2 runs")
        .contains("| scenario | level | throughput per run | **median** | p50 | p99 | errors |")
        .contains("| single | 4 connections | ");
  }
}
