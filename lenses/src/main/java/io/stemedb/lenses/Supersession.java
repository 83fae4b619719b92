package io.stemedb.lenses;

import io.stemedb.model.Assertion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Brief, rule 2 ("Supersession"): an agent that changed its mind counts once. Its effective claim is
 * its candidate with the latest {@code observedAt}, then the greater id — the recency order, applied
 * per agent. Because it is computed from the candidates (already minus retractions), retracting an
 * agent's latest claim makes its previous one effective again with no extra rule.
 */
final class Supersession {
  private Supersession() {}

  static EffectiveClaims effectiveClaims(Candidates candidates) {
    Map<String, Assertion> byAgent = new HashMap<>();
    for (Assertion claim : candidates.all()) {
      byAgent.merge(claim.agent(), claim, Supersession::later);
    }
    List<Assertion> effective = new ArrayList<>(byAgent.values());
    effective.sort(RecencyOrder.BEST_FIRST);
    return new EffectiveClaims(effective);
  }

  private static Assertion later(Assertion a, Assertion b) {
    return RecencyOrder.BEST_FIRST.compare(a, b) <= 0 ? a : b;
  }
}
