package io.stemedb.lenses;

import io.stemedb.model.AgentSetting;
import io.stemedb.model.Assertion;
import io.stemedb.model.Retraction;
import io.stemedb.model.Vote;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The records a lens reads for one (subject, predicate), exactly as a caller gathered them: in any
 * order, possibly with duplicates, possibly concatenated from several batches. The lenses treat them as
 * a <em>set</em> — that is the law the property tests check — so nothing here sorts or deduplicates.
 *
 * @param assertions claims on the (subject, predicate), any epochs (the filter picks one)
 * @param retractions retractions of any of those claims
 * @param votes every vote on any of those claims (all versions: the lens picks the latest)
 * @param agentSettings the authority history of the agents involved (all versions: the lens picks the
 *     one in force at the read's index)
 */
public record Records(
    List<Assertion> assertions,
    List<Retraction> retractions,
    List<Vote> votes,
    List<AgentSetting> agentSettings) {

  public static final Records EMPTY = new Records(List.of(), List.of(), List.of(), List.of());

  public Records {
    assertions = List.copyOf(assertions);
    retractions = List.copyOf(retractions);
    votes = List.copyOf(votes);
    agentSettings = List.copyOf(agentSettings);
  }

  public static Records of(
      Collection<Assertion> assertions,
      Collection<Retraction> retractions,
      Collection<Vote> votes,
      Collection<AgentSetting> agentSettings) {
    return new Records(
        List.copyOf(assertions),
        List.copyOf(retractions),
        List.copyOf(votes),
        List.copyOf(agentSettings));
  }

  /** Both batches together (a bag union); lenses answer the same whatever the grouping. */
  public Records merge(Records other) {
    return new Records(
        concat(assertions, other.assertions),
        concat(retractions, other.retractions),
        concat(votes, other.votes),
        concat(agentSettings, other.agentSettings));
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a.size() + b.size());
    all.addAll(a);
    all.addAll(b);
    return all;
  }
}
