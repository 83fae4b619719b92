package io.stemedb.lenses;

import java.util.Set;

/**
 * The read's filters that shape the candidate set (brief: "Candidates").
 *
 * @param epoch only claims of this epoch are candidates
 * @param asOfIndex only records applied at or before this log index count (claims, retractions, votes,
 *     agent authorities); {@link Long#MAX_VALUE} for "everything applied"
 * @param asOf only claims observed at or before this epoch-millisecond instant; {@code null} for no bound
 * @param agents only claims by these agents ({@code null} for every agent); votes count whoever cast them
 * @param minConfidence only claims with at least this confidence; {@code null} for no bound
 */
public record ReadFilter(long epoch, long asOfIndex, Long asOf, Set<String> agents, Double minConfidence) {
  public ReadFilter {
    agents = agents == null ? null : Set.copyOf(agents);
  }

  /** Everything applied, in the given epoch. */
  public static ReadFilter epoch(long epoch) {
    return new ReadFilter(epoch, Long.MAX_VALUE, null, null, null);
  }

  public ReadFilter withAsOfIndex(long index) {
    return new ReadFilter(epoch, index, asOf, agents, minConfidence);
  }

  public ReadFilter withAsOf(Long observedAtMillis) {
    return new ReadFilter(epoch, asOfIndex, observedAtMillis, agents, minConfidence);
  }

  public ReadFilter withAgents(Set<String> onlyAgents) {
    return new ReadFilter(epoch, asOfIndex, asOf, onlyAgents, minConfidence);
  }

  public ReadFilter withMinConfidence(Double min) {
    return new ReadFilter(epoch, asOfIndex, asOf, agents, min);
  }
}
