package io.stemedb.tools.bench.load;

import java.time.Duration;

/**
 * CPU used by a system's server processes (user + system time of every member, from
 * {@code /proc/<pid>/stat} through {@link ProcessHandle.Info#totalCpuDuration}), so that a throughput
 * can be turned into CPU per operation: on a machine whose cores are all busy, that cost — not
 * latency — is what bounds throughput, and it compares two systems independently of how many cores
 * either one managed to keep busy.
 */
public record ServerCpu(long cpuNanos, long wallNanos) {

  /** A reading now; {@code cpuNanos} is -1 when the OS does not report some member's CPU time. */
  public static ServerCpu of(Contender system) {
    long cpu = 0;
    for (java.net.URI node : system.nodes()) {
      long used = system.process(node).info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
      if (used < 0) {
        return new ServerCpu(-1, System.nanoTime());
      }
      cpu += used;
    }
    return new ServerCpu(cpu, System.nanoTime());
  }

  /** Cores the servers used on average since {@code earlier}; NaN when either reading is incomplete. */
  public double coresSince(ServerCpu earlier) {
    long wall = wallNanos - earlier.wallNanos;
    return wall <= 0 || cpuNanos < 0 || earlier.cpuNanos < 0 ? Double.NaN : (double) (cpuNanos - earlier.cpuNanos) / wall;
  }

  /** Microseconds of server CPU per operation at {@code perSecond} operations per second. */
  public static double microsPerOperation(double cores, double perSecond) {
    return perSecond <= 0 ? Double.NaN : cores / perSecond * 1e6;
  }
}
