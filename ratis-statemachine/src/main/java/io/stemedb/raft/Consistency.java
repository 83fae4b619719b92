package io.stemedb.raft;

import java.util.Locale;

/** How fresh a read must be (the API's {@code consistency} parameter). */
public enum Consistency {
  /** Reflects every write acknowledged before the read began, on any node (Raft ReadIndex). */
  LINEARIZABLE,
  /**
   * What the leader holds as committed: today the same round as {@link #LINEARIZABLE} (on the leader
   * an empty entry committed after the read arrived). It was served under Ratis's leader lease, which
   * a deposed leader could renew from its followers' rejections (see StemeNode.serverProperties).
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
