package io.stemedb.tests.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a system command (ip, mount, kill, ...) with a time bound, for the fault harness. */
public final class Sh {
  private Sh() {}

  /** Exit status and combined output of one command. */
  public record Result(int status, String output) {
    public boolean ok() {
      return status == 0;
    }
  }

  /** Runs {@code command}; fails the test if it does not exit 0. */
  public static String run(String... command) {
    Result r = tryRun(command);
    if (!r.ok()) {
      throw new IllegalStateException(String.join(" ", command) + " exited " + r.status() + ": " + r.output().strip());
    }
    return r.output();
  }

  /** Runs {@code command} and reports what happened; never throws for a failing command (for cleanup). */
  public static Result tryRun(String... command) {
    try {
      Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
      p.getOutputStream().close();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out after 30 s");
      }
      return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  /** Whether {@code tool} is on the PATH. */
  public static boolean has(String tool) {
    return tryRun("sh", "-c", "command -v " + tool).ok();
  }
}
