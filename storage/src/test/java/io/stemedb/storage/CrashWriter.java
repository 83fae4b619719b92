package io.stemedb.storage;

import java.nio.file.Path;

/**
 * A child process for {@link CrashRecoveryTest}: applies numbered batches forever, committing every
 * third entry and printing the committed index, until it is killed.
 */
public final class CrashWriter {
  static final int BATCH = 200;

  public static void main(String[] args) {
    Store store = Store.open(Path.of(args[0]));
    for (long index = 1; ; index++) {
      store.apply(index, 1, Fixtures.batch("i" + index + "-", 0, BATCH).toArray(Change[]::new));
      if (index % 3 == 0) {
        store.commit();
        System.out.println("committed " + index);
        System.out.flush();
      }
    }
  }
}
