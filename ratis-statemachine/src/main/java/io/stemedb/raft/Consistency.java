package io.stemedb.raft;

import java.util.Locale;

/** How fresh a read must be (the API's {@code consistency} parameter). */
public enum Consistency {
  /** Reflects every write acknowledged before the read began, on any node (Raft ReadIndex). */
  LINEARIZABLE,
  /**
   * Served under the leader's lease (no quorum round trip on the leader). A follower cannot hold the
   * lease, so there it falls back to {@link #LINEARIZABLE} (a ReadIndex answered by the leader's lease).
   */
  LEADER,
  /** This replica's state as it is, refused when the node has not heard from a leader for maxLagMs. */
  STALE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Consistency fromWireName(String name) {
    for (Consistency c : values()) {
      if (c.wireName().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("consistency must be one of linearizable, leader, stale");
  }
}
