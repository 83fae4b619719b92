package io.stemedb.tools.bench.load;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * One level of one scenario in one run: e.g. scenario "single" at level "16 connections".
 *
 * @param ok successful requests
 * @param assertions claims written by successful requests (0 for reads)
 * @param errors failed requests by status code ("no-answer": no HTTP response at all)
 * @param throughput {@code unit} per second: requests for single writes and resolves, assertions for batches
 * @param clientCores CPU the benchmark process used meanwhile, in cores
 */
public record LevelResult(String scenario, String level, long ok, long assertions, Map<String, Long> errors,
    double seconds, double throughput, String unit, double p50Ms, double p90Ms, double p99Ms, double maxMs,
    double clientCores) {

  public long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** "none", or e.g. "503×3 429×12". */
  public String errorText() {
    return errors.isEmpty() ? "none"
        : errors.entrySet().stream().map(e -> e.getKey() + "×" + e.getValue()).collect(Collectors.joining(" "));
  }

  /** Any 5xx answer; a 500 is a bug, 503/504 mean the cluster could not keep up or lost its leader. */
  public long serverErrors() {
    return errors.entrySet().stream().filter(e -> e.getKey().startsWith("5")).mapToLong(Map.Entry::getValue).sum();
  }
}
