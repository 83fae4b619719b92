package io.stemedb.tests.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One fault scenario's run: a cluster, a workload and a leader sampler started together, the
 * scenario's faults in between, and at the end every fault healed, the workload stopped and every
 * checker run. {@link #close()} tears everything down even when the scenario failed half-way.
 */
public final class Scenario implements AutoCloseable {
  private final String name;
  private final FaultCluster cluster;
  private Workload workload;
  private LeaderSampler sampler;
  private final List<Checks.Verdict> extra = new ArrayList<>();
  private final long started = System.nanoTime();

  public Scenario(String name, FaultCluster cluster) {
    this.name = name;
    this.cluster = cluster;
  }

  public FaultCluster cluster() {
    return cluster;
  }

  public Workload workload() {
    return workload;
  }

  /** Starts the cluster (if not yet), the sampler and the workload, and lets them run for a moment. */
  public Scenario start(Workload.Config config) throws InterruptedException {
    cluster.awaitLeader(Duration.ofSeconds(60));
    sampler = new LeaderSampler(cluster);
    workload = new Workload(cluster, config).start();
    Thread.sleep(1500);
    return this;
  }

  /** An extra verdict the scenario reached itself (e.g. a minority probe). */
  public void verdict(Checks.Verdict v) {
    System.out.println(name + ": " + v);
    extra.add(v);
  }

  /** Heals whatever is still broken, stops the load, waits for convergence and runs every checker. */
  public Checks.Report finish() throws InterruptedException {
    for (int k = 1; k <= cluster.nodes(); k++) {
      if (cluster.isPaused(k)) {
        cluster.resume(k);
      }
    }
    try {
      if (!cluster.net().cuts().isEmpty()) {
        cluster.healNetwork();
      }
    } catch (IllegalStateException noNamespaces) {
      // nothing to heal
    }
    Thread.sleep(1000); // a little load on the healed cluster
    workload.stop();
    sampler.close();
    Checks.Report r = Checks.verifyAll(name, cluster, workload, sampler, extra);
    System.out.printf("%s: %.1f s%n", name, (System.nanoTime() - started) / 1e9);
    return r;
  }

  public static void sleep(long ms) throws InterruptedException {
    Thread.sleep(ms);
  }

  @Override
  public void close() throws InterruptedException {
    try {
      if (workload != null) {
        workload.stop();
      }
      if (sampler != null) {
        sampler.close();
      }
    } finally {
      cluster.close();
    }
  }
}
