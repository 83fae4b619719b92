package io.stemedb.tools.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code stemedb bench lens-resolve [JMH options]}: the JMH lens benchmark. */
@Command(name = "lens-resolve", mixinStandardHelpOptions = true, description = "JMH: lens resolve latency.")
public final class LensResolveBenchmarkRunner implements Callable<Integer> {
  @Parameters(arity = "0..*", description = "JMH options, e.g. -p claimsPerKey=10")
  List<String> jmhOptions = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<String> args = new ArrayList<>();
    args.add(LensResolveBenchmark.class.getSimpleName());
    args.addAll(jmhOptions);
    org.openjdk.jmh.Main.main(args.toArray(String[]::new));
    return 0;
  }
}
