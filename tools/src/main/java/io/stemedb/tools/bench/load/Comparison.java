package io.stemedb.tools.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The side-by-side table: one row per work item, one column per system (the median of the runs and
 * their spread, min–max), and the ratio of the medians, StemeDB ÷ etcd. For throughputs a ratio above
 * 1 favours StemeDB; for times, below 1 does.
 */
public final class Comparison {
  public static final String ETCD = "etcd";
  public static final String STEMEDB = "StemeDB";

  /**
   * A row. {@code unit} is "req/s" or "ms"; {@code target} is the target for it, or "".
   */
  public record Item(String name, String unit, String target) {}

  private final Map<Item, Map<String, List<Double>>> values = new LinkedHashMap<>();
  private final Map<String, Map<String, List<String>>> notes = new LinkedHashMap<>();

  /** One run's figure; NaN stands for "did not happen" (e.g. no write was acknowledged after a kill). */
  public synchronized void add(Item item, String system, double value) {
    values.computeIfAbsent(item, k -> new LinkedHashMap<>()).computeIfAbsent(system, k -> new ArrayList<>()).add(value);
  }

  /** One run's text for a row without numbers (e.g. how the requests in flight at a kill ended). */
  public synchronized void note(String row, String system, String text) {
    notes.computeIfAbsent(row, k -> new LinkedHashMap<>()).computeIfAbsent(system, k -> new ArrayList<>()).add(text);
  }

  /** Every run's figure of {@code system} for the row named {@code item} (empty if none). */
  public synchronized List<Double> values(String item, String system) {
    return values.entrySet().stream().filter(e -> e.getKey().name().equals(item)).findFirst()
        .map(e -> List.copyOf(e.getValue().getOrDefault(system, List.of()))).orElse(List.of());
  }

  public synchronized String markdown() {
    StringBuilder b = new StringBuilder()
        .append("| work | etcd | StemeDB | StemeDB ÷ etcd | target |\n")
        .append("|---|---|---|---|---|\n");
    values.forEach((item, bySystem) -> {
      double e = median(bySystem.getOrDefault(ETCD, List.of()));
      double s = median(bySystem.getOrDefault(STEMEDB, List.of()));
      b.append("| ").append(item.name()).append(" | ").append(cell(item, bySystem.get(ETCD))).append(" | ")
          .append(cell(item, bySystem.get(STEMEDB))).append(" | ")
          .append(Double.isNaN(e) || Double.isNaN(s) || e == 0 ? "—" : String.format("%.2f×", s / e)).append(" | ")
          .append(item.target()).append(" |\n");
    });
    notes.forEach((row, bySystem) -> b.append("| ").append(row).append(" | ")
        .append(String.join("; ", bySystem.getOrDefault(ETCD, List.of("—")))).append(" | ")
        .append(String.join("; ", bySystem.getOrDefault(STEMEDB, List.of("—")))).append(" |  |  |\n"));
    return b.toString();
  }

  /** "**2,573/s** (1,945–2,819)": the median in bold, the spread when there was more than one run. */
  static String cell(Item item, List<Double> runs) {
    if (runs == null || runs.isEmpty()) {
      return "—";
    }
    List<Double> real = runs.stream().filter(v -> !Double.isNaN(v)).sorted().toList();
    String missing = real.size() < runs.size() ? " (" + (runs.size() - real.size()) + " of " + runs.size() + " runs: none)" : "";
    if (real.isEmpty()) {
      return "none" + missing;
    }
    String median = "**" + format(item, median(real)) + "**";
    String spread = real.size() > 1 ? " (" + number(item, real.get(0)) + "–" + number(item, real.get(real.size() - 1)) + ")" : "";
    return median + spread + missing;
  }

  private static String number(Item item, double v) {
    return item.unit().equals("ms") ? Report.ms(v) : String.format("%,.0f", v);
  }

  private static String format(Item item, double v) {
    return item.unit().equals("ms") ? Report.ms(v) + " ms" : String.format("%,.0f%s", v, item.unit().equals("req/s") ? "/s" : " " + item.unit());
  }

  static double median(List<Double> runs) {
    double[] v = runs.stream().filter(d -> !Double.isNaN(d)).mapToDouble(Double::doubleValue).sorted().toArray();
    int n = v.length;
    return n == 0 ? Double.NaN : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  @Override
  public String toString() {
    return values.keySet().stream().map(Item::name).collect(Collectors.joining(", "));
  }
}
