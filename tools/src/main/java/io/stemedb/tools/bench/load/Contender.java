package io.stemedb.tools.bench.load;

import java.net.URI;
import java.util.List;

/**
 * A running 3-member system under test that the comparison drives: its nodes' base URLs, which member leads, and a kill -9 of one member's process. Closing stops every process it
 * started and deletes its files.
 */
public interface Contender extends AutoCloseable {
  /** e.g. "etcd 3.4.23 (/usr/bin/etcd), 3 members". */
  String description();

  List<URI> nodes();

  /** The base URL of the member that leads now, asking the members themselves. */
  URI leader(Http http) throws InterruptedException;

  /** The process serving {@code node}, to be killed with {@link #kill(ProcessHandle)}. */
  ProcessHandle process(URI node);

  /**
   * SIGKILL to {@code process} (no clean shutdown, no goodbye to its peers), returning once it has
   * exited: a benchmark that times "after the kill" must not count what the process still answered
   * between the call and the signal taking effect.
   */
  static void kill(ProcessHandle process) {
    process.destroyForcibly();
    try {
      process.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("pid " + process.pid() + " did not exit within 10 s of SIGKILL", e);
    }
  }

  /** Problems from the members' logs worth printing at the end (may be empty). */
  default List<String> problems() {
    return List.of();
  }

  @Override
  void close();
}
