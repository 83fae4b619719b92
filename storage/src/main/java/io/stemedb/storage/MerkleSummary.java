package io.stemedb.storage;

import java.util.Map;

/**
 * The Merkle state of a replica at one applied index: equal roots at equal indexes prove equal state.
 *
 * @param buckets non-empty buckets by three-hex-digit id prefix, with their hashes
 */
public record MerkleSummary(long index, String root, long records, Map<String, String> buckets) {
  public MerkleSummary {
    buckets = Map.copyOf(buckets);
  }
}
