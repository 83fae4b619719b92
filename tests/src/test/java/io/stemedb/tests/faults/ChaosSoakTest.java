package io.stemedb.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak profile: random faults on one three-node cluster for {@code -Dchaos.minutes=N}, under a
 * continuous workload. The run is cut into epochs ({@code -Dchaos.epochSeconds}, default 90): at the
 * end of each, every fault is healed, the workload stops and every checker runs on that epoch's
 * history, then a fresh workload (new registers) starts the next. Node n3 runs with its wall clock
 * 3 s ahead throughout (when libfaketime is installed). Prints, and writes to
 * {@code target/chaos-summary.txt}, the operations, the faults injected and every verdict.
 * Skipped unless chaos.minutes is set; {@code tests/chaos N} runs it (docs/reliability.md).
 */
@EnabledIfSystemProperty(named = "chaos.minutes", matches = "[0-9]+(\\.[0-9]+)?")
class ChaosSoakTest {
  @TempDir Path dir;

  @Test
  void randomFaultsUnderLoadKeepEveryPromise() throws Exception {
    double minutes = Double.parseDouble(System.getProperty("chaos.minutes"));
    long epochMs = Long.getLong("chaos.epochSeconds", 90) * 1000;
    long seed = Long.getLong("chaos.seed", System.currentTimeMillis());
    Random random = new Random(seed);
    boolean partitions = NetworkFabric.available();
    long started = System.nanoTime();
    long deadline = started + (long) (minutes * 60e9);
    List<Checks.Report> reports = new ArrayList<>();
    Map<String, Integer> faultKinds = new TreeMap<>();
    try (FaultCluster c = FaultCluster.threeNodes(dir, partitions)) {
      if (ClockSkew.available()) {
        c.extraPrefix(3, ClockSkew.prefix(3));
      }
      c.up();
      for (int epoch = 1; System.nanoTime() < deadline; epoch++) {
        c.awaitLeader(Duration.ofSeconds(90));
        Workload w = new Workload(c, Workload.Config.standard()).start();
        LeaderSampler sampler = new LeaderSampler(c);
        long epochEnd = Math.min(deadline, System.nanoTime() + epochMs * 1_000_000);
        try {
          while (System.nanoTime() < epochEnd) {
            String kind = injectOne(c, random, partitions);
            faultKinds.merge(kind, 1, Integer::sum);
            Thread.sleep(2000 + random.nextInt(2000)); // a healthy stretch between faults
          }
        } finally {
          healEverything(c);
          Thread.sleep(1000);
          w.stop();
          sampler.close();
        }
        reports.add(Checks.verifyAll("chaos epoch " + epoch, c, w, sampler, List.of()));
      }
      String summary = summary(seed, minutes, (System.nanoTime() - started) / 60e9, faultKinds, reports, c.faults().size());
      System.out.println(summary);
      Files.writeString(Path.of("target", "chaos-summary.txt"), summary);
      assertThat(reports).as(summary).allMatch(Checks.Report::passed);
    }
  }

  /** One random fault, held for a few seconds and then undone; its kind. */
  static String injectOne(FaultCluster c, Random random, boolean partitions) throws Exception {
    int leader = c.awaitLeader(Duration.ofSeconds(90));
    int follower = (leader + random.nextInt(2)) % 3 + 1; // either of the other two
    int choice = random.nextInt(partitions ? 9 : 5);
    long hold = 1000 + random.nextInt(3000);
    switch (choice) {
      case 0, 1 -> {
        int node = choice == 0 ? leader : follower;
        c.kill9(node);
        Thread.sleep(hold);
        c.restart(node);
        c.awaitReady(node, Duration.ofSeconds(120));
        return choice == 0 ? "kill -9 leader" : "kill -9 follower";
      }
      case 2, 3 -> {
        int node = choice == 2 ? leader : follower;
        c.pause(node);
        Thread.sleep(hold);
        c.resume(node);
        return choice == 2 ? "pause leader" : "pause follower";
      }
      case 4 -> {
        for (int k = 1; k <= 3; k++) {
          c.kill9(k);
        }
        Thread.sleep(500);
        for (int k = 1; k <= 3; k++) {
          c.restart(k);
        }
        c.awaitLeader(Duration.ofSeconds(120));
        return "restart all";
      }
      case 5 -> {
        c.isolate(leader);
        Thread.sleep(hold);
        c.healNetwork();
        return "isolate leader";
      }
      case 6 -> {
        c.isolate(follower);
        Thread.sleep(hold);
        c.healNetwork();
        return "isolate follower";
      }
      case 7 -> {
        c.partition(leader, follower);
        Thread.sleep(hold);
        c.healNetwork();
        return "cut leader-follower link";
      }
      default -> {
        for (int i = 0; i < 5; i++) {
          int a = 1 + random.nextInt(3);
          c.net().healAll();
          if (random.nextBoolean()) {
            c.partition(a, a % 3 + 1);
          } else {
            c.isolate(a);
          }
          Thread.sleep(700);
        }
        c.healNetwork();
        return "flapping partitions";
      }
    }
  }

  static void healEverything(FaultCluster c) throws InterruptedException {
    for (int k = 1; k <= c.nodes(); k++) {
      if (c.isPaused(k)) {
        c.resume(k);
      }
      if (c.process(k).isEmpty()) {
        c.restart(k);
      }
    }
    try {
      if (!c.net().cuts().isEmpty()) {
        c.healNetwork();
      }
    } catch (IllegalStateException noNamespaces) {
      // nothing to heal
    }
    c.awaitLeader(Duration.ofSeconds(120));
  }

  static String summary(long seed, double minutes, double ran, Map<String, Integer> kinds, List<Checks.Report> reports, int faultEvents) {
    StringBuilder b = new StringBuilder(String.format("chaos soak: %.1f minutes asked, %.1f run, seed %d%n", minutes, ran, seed));
    Map<String, int[]> ops = new TreeMap<>();
    for (Checks.Report r : reports) {
      r.history().outcomes().forEach((k, v) -> {
        int[] sum = ops.computeIfAbsent(k, x -> new int[3]);
        for (int i = 0; i < 3; i++) {
          sum[i] += v[i];
        }
      });
    }
    int total = ops.values().stream().mapToInt(v -> v[0] + v[1] + v[2]).sum();
    b.append("operations: ").append(total).append('\n');
    ops.forEach((k, v) -> b.append(String.format("  %-22s ok %6d  failed %5d  unknown %5d%n", k, v[0], v[1], v[2])));
    b.append("faults injected: ").append(kinds.values().stream().mapToInt(Integer::intValue).sum())
        .append(" (").append(faultEvents).append(" fault events)\n");
    kinds.forEach((k, n) -> b.append(String.format("  %-26s %d%n", k, n)));
    b.append("verdicts:\n");
    for (Checks.Report r : reports) {
      b.append("  ").append(r.name()).append(": ").append(r.passed() ? "PASS" : "FAIL").append('\n');
      r.verdicts().forEach(v -> b.append("    ").append(v).append('\n'));
    }
    return b.toString();
  }
}
