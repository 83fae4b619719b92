package io.stemedb.raft;

import java.time.Duration;
import java.util.Objects;

/**
 * How a node coalesces concurrent writes into Raft entries (see {@link GroupCommit}).
 *
 * @param enabled off: every request is its own entry (one Raft round trip each)
 * @param maxRequests at most this many client requests in one entry
 * @param maxBytes at most this many encoded bytes in one entry (a single larger request still goes,
 *     alone)
 * @param linger how long the first request of an entry waits for company once a proposal slot is
 *     free; zero takes only what is already queued
 * @param maxInFlight entries this node has proposed and not yet heard back about; requests arriving
 *     meanwhile queue up and leave together, which is what makes batches form under load
 *
 * <p>The defaults (one entry in flight, no linger) come from docs/benchmarks.md: on a CPU-bound
 * node every entry costs Raft, gRPC and apply work, so fewer, fuller entries beat more entries in
 * flight (752 against 448–552 writes/s at 64 connections), and a lone request never waits.
 */
public record GroupCommitConfig(boolean enabled, int maxRequests, int maxBytes, Duration linger, int maxInFlight) {
  public static final GroupCommitConfig DEFAULTS =
      new GroupCommitConfig(true, 1024, 4 << 20, Duration.ZERO, 1);

  public static final GroupCommitConfig OFF =
      new GroupCommitConfig(false, 1, DEFAULTS.maxBytes, Duration.ZERO, DEFAULTS.maxInFlight);

  public GroupCommitConfig {
    Objects.requireNonNull(linger, "linger");
    if (maxRequests < 1) {
      throw new IllegalArgumentException("group_commit.max_requests must be at least 1, not " + maxRequests);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("group_commit.max_bytes must be at least 1, not " + maxBytes);
    }
    if (linger.isNegative() || linger.compareTo(Duration.ofSeconds(1)) > 0) {
      throw new IllegalArgumentException("group_commit.linger_ms must be between 0 and 1000, not " + linger.toMillis());
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("group_commit.max_in_flight must be at least 1, not " + maxInFlight);
    }
  }
}
