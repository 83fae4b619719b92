package io.stemedb.tools;

import java.io.IOException;
import java.net.ServerSocket;

/**
 * A base port for a local cluster whose every port is free right now: {@code members} members,
 * {@code spacing} apart, each using {@code base + spacing·i + offset} for each offset. Chosen at random
 * below the kernel's ephemeral range (32768 and up), where an outgoing connection could take a port
 * between the check and the bind.
 */
public final class FreePorts {
  private FreePorts() {}

  /** StemeDB's layout: node K's HTTP port at base + 100·(K−1), its Raft port two above. */
  public static int stemeDbBase(int nodes) {
    return base(20_000, 120, nodes, 100, 0, 2);
  }

  public static int base(int low, int choices, int members, int spacing, int... offsets) {
    for (int attempt = 0; attempt < 50; attempt++) {
      int candidate = low + spacing * (int) (Math.random() * choices);
      if (allFree(candidate, members, spacing, offsets)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no free ports between " + low + " and " + (low + spacing * choices));
  }

  private static boolean allFree(int base, int members, int spacing, int... offsets) {
    for (int i = 0; i < members; i++) {
      for (int offset : offsets) {
        try (ServerSocket s = new ServerSocket(base + spacing * i + offset)) {
          s.setReuseAddress(true);
        } catch (IOException e) {
          return false;
        }
      }
    }
    return true;
  }
}
