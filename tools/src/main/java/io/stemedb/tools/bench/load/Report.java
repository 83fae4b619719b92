package io.stemedb.tools.bench.load;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The benchmark's output: a line per level as it finishes, then medians across runs and a markdown table. */
public final class Report {
  private final PrintWriter out;
  /** Results by "scenario level", in the order they first appeared; one entry per run. */
  private final Map<String, List<LevelResult>> byLevel = new LinkedHashMap<>();

  public Report(PrintWriter out) {
    this.out = out;
  }

  public void add(int run, LevelResult r) {
    byLevel.computeIfAbsent(r.scenario() + " " + r.level(), k -> new ArrayList<>()).add(r);
    out.println(line(run, r));
    out.flush();
  }

  public static String line(int run, LevelResult r) {
    String count = r.unit().equals("assertions/s")
        ? String.format("%,d requests (%,d assertions)", r.ok(), r.assertions())
        : String.format("%,d requests", r.ok());
    return String.format(
        "run %d  %-8s %-24s ok %s in %.1f s, errors %s | %,.0f %s | p50 %s p90 %s p99 %s max %s ms | client CPU %.2f cores",
        run, r.scenario(), r.level(), count, r.seconds(), r.errorText(), r.throughput(), r.unit(),
        ms(r.p50Ms()), ms(r.p90Ms()), ms(r.p99Ms()), ms(r.maxMs()), r.clientCores());
  }

  /** Every result so far, level by level (all runs of a level together). */
  public List<LevelResult> results() {
    return byLevel.values().stream().flatMap(List::stream).toList();
  }

  /** Medians across runs, then a markdown table of them. */
  public void summary(int runs) {
    out.println();
    out.printf("summary: median of %d run%s per level%n", runs, runs == 1 ? "" : "s");
    for (List<LevelResult> rs : byLevel.values()) {
      LevelResult first = rs.get(0);
      out.printf("  %-8s %-24s %,.0f %s  p50 %s ms  p99 %s ms  errors %s%n", first.scenario(), first.level(),
          median(rs, LevelResult::throughput), first.unit(), ms(median(rs, LevelResult::p50Ms)),
          ms(median(rs, LevelResult::p99Ms)), errors(rs));
    }
    out.println();
    out.println(markdown());
    out.flush();
  }

  /** Ready to paste into docs/benchmarks.md. */
  public String markdown() {
    StringBuilder b = new StringBuilder()
        .append("| scenario | level | throughput per run | **median** | p50 | p99 | errors |\n")
        .append("|---|---|---|---|---|---|---|\n");
    for (List<LevelResult> rs : byLevel.values()) {
      LevelResult first = rs.get(0);
      b.append("| ").append(first.scenario()).append(" | ").append(first.level()).append(" | ")
          .append(rs.stream().map(r -> String.format("%,.0f", r.throughput())).collect(Collectors.joining("; "))).append(" | ")
          .append(String.format("**%,.0f %s**", median(rs, LevelResult::throughput), first.unit())).append(" | ")
          .append(ms(median(rs, LevelResult::p50Ms))).append(" ms | ")
          .append(ms(median(rs, LevelResult::p99Ms))).append(" ms | ")
          .append(errors(rs)).append(" |\n");
    }
    return b.toString();
  }

  static double median(List<LevelResult> rs, java.util.function.ToDoubleFunction<LevelResult> f) {
    double[] v = rs.stream().mapToDouble(f).sorted().toArray();
    int n = v.length;
    return n == 0 ? Double.NaN : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** Errors summed over the runs, by status. */
  private static String errors(List<LevelResult> rs) {
    Map<String, Long> sum = new TreeMap<>();
    rs.forEach(r -> r.errors().forEach((k, v) -> sum.merge(k, v, Long::sum)));
    return sum.isEmpty() ? "none"
        : sum.entrySet().stream().map(e -> e.getKey() + "×" + e.getValue()).collect(Collectors.joining(" "));
  }

  /** Milliseconds with three significant digits or so: 0.412, 4.12, 41.2, 412, 4,120. */
  public static String ms(double v) {
    if (Double.isNaN(v)) {
      return "—";
    }
    return v < 1 ? String.format("%.3f", v) : v < 10 ? String.format("%.2f", v) : v < 100 ? String.format("%.1f", v)
        : String.format("%,.0f", v);
  }
}
