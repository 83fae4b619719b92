package io.stemedb.raft;

import com.codahale.metrics.Counting;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Metric;
import com.codahale.metrics.Sampling;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import io.prometheus.client.Collector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.dropwizard3.Dm3RatisMetricRegistryImpl;

/**
 * Ratis's own metrics for one member, in Prometheus form with the member and group as labels.
 *
 * <p>Ratis names each registry by member and group ({@code n1@group-5DE39CC169B1}) and puts that
 * prefix into every metric name; exported as is, every node and every group would have its own
 * metric names and no dashboard could sum them. So {@code ratis.log_worker.n1@group-X.flushTime}
 * becomes {@code ratis_log_worker_flushTime{member="n1",group="X"}}. Timers become summaries in
 * seconds. The seeds' WAL metrics are read off the log worker here too: its sync timer is the fsync
 * of the log, and each finished segment (one timed "finalize" task) is a segment rotation.
 */
final class RatisMetricsCollector extends Collector {
  private static final double[] QUANTILES = {0.5, 0.9, 0.99};
  private final String member;

  RatisMetricsCollector(String member) {
    this.member = member;
  }

  /** Samples of one metric family, gathered across this member's registries. */
  private static final class Family {
    final Type type;
    final String help;
    final List<MetricFamilySamples.Sample> samples = new ArrayList<>();

    Family(Type type, String help) {
      this.type = type;
      this.help = help;
    }
  }

  @Override
  public List<MetricFamilySamples> collect() {
    Map<String, Family> families = new TreeMap<>();
    for (RatisMetricRegistry registry : MetricRegistries.global().getMetricRegistries()) {
      MetricRegistryInfo info = registry.getMetricRegistryInfo();
      String prefix = info.getPrefix();
      if (!(registry instanceof Dm3RatisMetricRegistryImpl dm3) || !isMine(prefix)) {
        continue;
      }
      String group = prefix.contains("@group-") ? prefix.substring(prefix.indexOf("@group-") + 7) : "";
      List<String> labels = List.of("member", "group");
      List<String> values = List.of(member, group);
      String family = sanitize(info.getApplicationName() + "_" + info.getMetricsComponentName());
      boolean logWorker = info.getMetricsComponentName().equals("log_worker");
      long rotations = 0;
      for (Map.Entry<String, Metric> e : dm3.getDropWizardMetricRegistry().getMetrics().entrySet()) {
        String local = e.getKey().substring(e.getKey().lastIndexOf('.') + 1);
        String name = family + "_" + sanitize(local);
        add(families, name, info.getMetricsDescription(), e.getValue(), labels, values);
        if (logWorker && local.equals("syncTime") && e.getValue() instanceof Timer t) {
          addSummary(families, "stemedb_wal_fsync_duration_seconds",
              "Time the Raft log (the WAL) takes to fsync, from Ratis's log worker.", t, 1e-9, labels, values);
        } else if (logWorker && local.equalsIgnoreCase("finalizeLogSegmentExecutionTime") && e.getValue() instanceof Counting c) {
          rotations = c.getCount();
        }
      }
      if (logWorker) {
        // Ratis creates the finalize timer at the first rotation; until then there were none.
        family(families, "stemedb_wal_segment_rotations_total", Type.COUNTER,
            "Raft log segments closed (rotated) since this node started.")
            .samples.add(new MetricFamilySamples.Sample("stemedb_wal_segment_rotations_total", labels, values, rotations));
      }
    }
    List<MetricFamilySamples> out = new ArrayList<>();
    families.forEach((name, f) -> out.add(new MetricFamilySamples(name, f.type, f.help, f.samples)));
    return out;
  }

  private boolean isMine(String prefix) {
    return prefix != null && (prefix.equals(member) || prefix.startsWith(member + "@"));
  }

  private static void add(
      Map<String, Family> families, String name, String help, Metric metric, List<String> labels, List<String> values) {
    if (metric instanceof Gauge<?> g) {
      if (g.getValue() instanceof Number n) {
        family(families, name, Type.GAUGE, help).samples.add(
            new MetricFamilySamples.Sample(name, labels, values, n.doubleValue()));
      }
    } else if (metric instanceof Timer t) {
      addSummary(families, name + "_seconds", help, t, 1e-9, labels, values);
    } else if (metric instanceof Sampling s && metric instanceof Counting c) {
      addSummary(families, name, help, s, c, 1, labels, values);
    } else if (metric instanceof Counting c) {
      family(families, name + "_total", Type.COUNTER, help).samples.add(
          new MetricFamilySamples.Sample(name + "_total", labels, values, c.getCount()));
    }
  }

  private static void addSummary(
      Map<String, Family> families, String name, String help, Timer t, double scale, List<String> labels, List<String> values) {
    addSummary(families, name, help, t, t, scale, labels, values);
  }

  private static void addSummary(
      Map<String, Family> families, String name, String help, Sampling s, Counting c, double scale,
      List<String> labels, List<String> values) {
    Family f = family(families, name, Type.SUMMARY, help);
    Snapshot snap = s.getSnapshot();
    List<String> qLabels = new ArrayList<>(labels);
    qLabels.add("quantile");
    for (double q : QUANTILES) {
      List<String> qValues = new ArrayList<>(values);
      qValues.add(Collector.doubleToGoString(q));
      f.samples.add(new MetricFamilySamples.Sample(name, qLabels, qValues, snap.getValue(q) * scale));
    }
    f.samples.add(new MetricFamilySamples.Sample(name + "_count", labels, values, c.getCount()));
    // Dropwizard keeps no exact sum; the reservoir's mean times the count is the estimate Prometheus gets.
    f.samples.add(new MetricFamilySamples.Sample(name + "_sum", labels, values, snap.getMean() * scale * c.getCount()));
  }

  private static Family family(Map<String, Family> families, String name, Type type, String help) {
    return families.computeIfAbsent(name, n -> new Family(type, help == null || help.isEmpty() ? n : help));
  }

  private static String sanitize(String s) {
    return s.replaceAll("[^a-zA-Z0-9_:]", "_");
  }
}
