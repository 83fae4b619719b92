package io.stemedb.tools.bench;

import io.stemedb.lenses.Lens;
import io.stemedb.lenses.Lenses;
import io.stemedb.lenses.ReadFilter;
import io.stemedb.lenses.Records;
import io.stemedb.lenses.Resolution;
import io.stemedb.model.AgentSetting;
import io.stemedb.model.Assertion;
import io.stemedb.model.CanonicalJson;
import io.stemedb.model.Stance;
import io.stemedb.model.Vote;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Lens resolve latency for one (subject, predicate) holding 1, 10 or 100 claims from distinct agents,
 * with a few values in conflict, votes on some claims and configured authorities — the pure part of a
 * {@code /v1/resolve}. SampleTime mode reports the median (p0.50) directly.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LensResolveBenchmark {
  @Param({"1", "10", "100"})
  int claimsPerKey;

  @Param({"recency", "authority", "consensus"})
  String lens;

  private Records records;
  private Lens chosen;
  private final ReadFilter filter = ReadFilter.epoch(0);

  @Setup
  public void setUp() {
    Random random = new Random(42);
    List<Assertion> claims = new ArrayList<>();
    List<Vote> votes = new ArrayList<>();
    List<AgentSetting> agents = new ArrayList<>();
    for (int i = 0; i < claimsPerKey; i++) {
      String agent = "agent-" + i;
      Assertion a =
          Assertion.claim(
                  "customer:42", "email",
                  CanonicalJson.quote("user" + random.nextInt(4) + "@example.com"),
                  agent, (1 + random.nextInt(10)) / 10.0, 1_793_527_200_000L + random.nextInt(1000), null)
              .at(i + 1, 0);
      claims.add(a);
      agents.add(new AgentSetting(agent, random.nextInt(5), "", 1));
      if (i % 3 == 0) {
        votes.add(new Vote(a.id(), "voter-" + (i % 4), i % 2 == 0 ? Stance.ENDORSE : Stance.DISPUTE, i + 2));
      }
    }
    records = new Records(claims, List.of(), votes, agents);
    chosen = Lens.fromWireName(lens);
  }

  @Benchmark
  public Optional<Resolution> resolve() {
    return Lenses.resolve(chosen, records, filter, Lenses.DEFAULT_AUTHORITY);
  }
}
