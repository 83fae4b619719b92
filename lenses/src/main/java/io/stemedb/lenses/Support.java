package io.stemedb.lenses;

import io.stemedb.model.Assertion;
import io.stemedb.model.Stance;
import io.stemedb.model.Vote;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Brief, consensus support: support(v) = Σ authority × confidence over the effective claims of v, plus
 * Σ over voters of ±authority(voter) for that voter's latest vote on any <em>candidate</em> assertion
 * of value v (endorse +, dispute −; each voter counts once per value).
 *
 * <p>All arithmetic is {@link BigDecimal}: decimal sums are exact, so they are the same in every
 * order, and 0.1 + 0.2 ties with 0.3 as it should (a double sum would not, and would pick a winner).
 */
final class Support {
  /**
   * A voter's latest vote: the highest index. Votes of one voter at one index on claims of the same
   * value (several votes in one batch) are broken by claim id, then stance, only so that the answer
   * never depends on arrival order.
   */
  private static final Comparator<Vote> LATEST =
      Comparator.comparingLong(Vote::index)
          .thenComparing(Vote::assertionId)
          .thenComparing(Vote::stance);

  private Support() {}

  /** The values of the effective claims with their support, in no particular order. */
  static List<ValueTally> tally(
      EffectiveClaims effective,
      Candidates candidates,
      List<Vote> votes,
      Authorities authorities,
      long asOfIndex) {
    // Walking the claims latest first keeps every supporters list latest first.
    Map<String, List<Assertion>> supportersByValue = new LinkedHashMap<>();
    for (Assertion claim : effective.latestFirst()) {
      supportersByValue.computeIfAbsent(claim.value(), v -> new ArrayList<>(2)).add(claim);
    }
    Map<String, BigDecimal> supportByValue = new HashMap<>(supportersByValue.size() * 2);
    for (Map.Entry<String, List<Assertion>> entry : supportersByValue.entrySet()) {
      BigDecimal sum = BigDecimal.ZERO;
      for (Assertion claim : entry.getValue()) {
        sum = sum.add(claimWeight(claim, authorities));
      }
      supportByValue.put(entry.getKey(), sum);
    }
    for (Vote vote : latestVotePerVoterAndValue(candidates, votes, supportersByValue, asOfIndex)) {
      String value = candidates.get(vote.assertionId()).value();
      supportByValue.merge(value, voteWeight(vote, authorities), BigDecimal::add);
    }

    List<ValueTally> tallies = new ArrayList<>(supportersByValue.size());
    supportersByValue.forEach(
        (value, supporters) ->
            tallies.add(
                new ValueTally(
                    value,
                    Decimals.normalize(supportByValue.get(value)),
                    Collections.unmodifiableList(supporters),
                    greatestId(supporters))));
    return tallies;
  }

  /** authority(agent) × confidence, exactly. */
  static BigDecimal claimWeight(Assertion claim, Authorities authorities) {
    return authorities.of(claim.agent()).multiply(BigDecimal.valueOf(claim.confidence()));
  }

  /** ±authority(voter): the voter's weight counts once, with the sign of its stance. */
  static BigDecimal voteWeight(Vote vote, Authorities authorities) {
    BigDecimal authority = authorities.of(vote.agent());
    return vote.stance() == Stance.ENDORSE ? authority : authority.negate();
  }

  /**
   * Per (voter, value): the voter's latest vote among its votes, applied by the read's index, on
   * candidate claims of that value — on any candidate, not only the effective one, so an endorsement
   * survives its claim being superseded by the same value. Votes on claims that are not candidates
   * (retracted, filtered out, other epoch) or whose value no effective claim holds do not count.
   */
  private static Iterable<Vote> latestVotePerVoterAndValue(
      Candidates candidates,
      List<Vote> votes,
      Map<String, List<Assertion>> supportersByValue,
      long asOfIndex) {
    Map<VoterValue, Vote> latest = new HashMap<>();
    for (Vote vote : votes) {
      if (vote.index() > asOfIndex) {
        continue;
      }
      Assertion target = candidates.get(vote.assertionId());
      if (target == null || !supportersByValue.containsKey(target.value())) {
        continue;
      }
      latest.merge(
          new VoterValue(vote.agent(), target.value()),
          vote,
          (a, b) -> LATEST.compare(a, b) >= 0 ? a : b);
    }
    return latest.values();
  }

  private static String greatestId(List<Assertion> supporters) {
    String greatest = supporters.get(0).id();
    for (int i = 1; i < supporters.size(); i++) {
      String id = supporters.get(i).id();
      if (id.compareTo(greatest) > 0) {
        greatest = id;
      }
    }
    return greatest;
  }

  private record VoterValue(String voter, String value) {}
}
