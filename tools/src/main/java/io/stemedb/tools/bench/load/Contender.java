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

  /** SIGKILL to the process serving {@code node}: no clean shutdown, no goodbye to its peers. */
  void kill(URI node);

  /** Problems from the members' logs worth printing at the end (may be empty). */
  default List<String> problems() {
    return List.of();
  }

  @Override
  void close();
}
