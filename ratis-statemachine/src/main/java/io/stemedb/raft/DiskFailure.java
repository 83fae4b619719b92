package io.stemedb.raft;

/**
 * What a node does once its disk has failed it (the Raft log or the store could not be written).
 *
 * <p>Why a server halts: after its log fails, Ratis keeps the division answering RPCs, and the first
 * higher term it hears is written to {@code raft-meta} — on a full disk Ratis then renames an empty
 * file over it (the write fails inside a buffered writer, the rename still happens), and the node can
 * never start again ("'term' not found"). Stopping the process at the first failure, as etcd does on a
 * WAL error, leaves its files exactly as they were; the restart recovers from its log and the others.
 */
@FunctionalInterface
public interface DiskFailure {
  /** Exit status of a node stopped by its disk (EX_IOERR in sysexits.h). */
  int EXIT_STATUS = 74;

  /** Keep the process: Ratis stops the Raft server, the HTTP API answers 503 (nodes embedded in tests). */
  DiskFailure KEEP_PROCESS = (what, cause) -> { };

  /** Stop the process at once, without shutdown hooks (they would write to the failed disk). */
  DiskFailure HALT = (what, cause) -> {
    System.err.println("stemedb: " + what + "; exiting with status " + EXIT_STATUS + " (fail-stop)");
    System.err.flush();
    System.out.flush();
    Runtime.getRuntime().halt(EXIT_STATUS);
  };

  void failed(String what, Throwable cause);
}
