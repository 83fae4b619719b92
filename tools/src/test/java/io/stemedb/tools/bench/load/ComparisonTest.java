package io.stemedb.tools.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ComparisonTest {
  private static final Comparison.Item WRITES = new Comparison.Item("single writes, 64 connections", "req/s", "≥ 1.5× etcd");
  private static final Comparison.Item FAILOVER = new Comparison.Item("failover", "ms", "< 2,000 ms");

  @Test
  void mediansSpreadsAndTheRatioOfTheMedians() {
    Comparison c = new Comparison();
    for (double v : new double[] {2000, 1900, 2100}) {
      c.add(WRITES, Comparison.ETCD, v);
    }
    for (double v : new double[] {3000, 2500, 3500}) {
      c.add(WRITES, Comparison.STEMEDB, v);
    }
    c.add(FAILOVER, Comparison.ETCD, 935);
    c.add(FAILOVER, Comparison.STEMEDB, Double.NaN);
    c.add(FAILOVER, Comparison.STEMEDB, 400);
    c.note("in flight", Comparison.STEMEDB, "16 in flight");

    assertThat(c.markdown()).contains(
        "| single writes, 64 connections | **2,000/s** (1,900–2,100) | **3,000/s** (2,500–3,500) | 1.50× | ≥ 1.5× etcd |",
        "| failover | **935 ms** | **400 ms** (1 of 2 runs: none) | 0.43× | < 2,000 ms |",
        "| in flight | — | 16 in flight |  |  |");
  }
}
