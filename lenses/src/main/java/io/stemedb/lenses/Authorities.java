package io.stemedb.lenses;

import io.stemedb.model.AgentSetting;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Brief, rule 3: the authority of an agent is its configured authority as of the read's index — the
 * setting with the highest index at or below {@code asOfIndex} — and the configured default for an
 * agent never set by then. Authorities are exact decimals ({@link BigDecimal#valueOf(double)}, the
 * shortest decimal that reads back as the stored double), so products and sums never round.
 */
final class Authorities {
  /**
   * The greatest is in force: the highest index. Two settings of one agent at one index (storage never
   * produces them: one PUT is one log entry) are told apart by the other fields only so that the choice
   * never depends on arrival order.
   */
  private static final Comparator<AgentSetting> IN_FORCE =
      Comparator.comparingLong(AgentSetting::index)
          .thenComparingDouble(AgentSetting::authority)
          .thenComparing(AgentSetting::description);

  private final Map<String, BigDecimal> byAgent;
  private final BigDecimal defaultAuthority;

  private Authorities(Map<String, BigDecimal> byAgent, BigDecimal defaultAuthority) {
    this.byAgent = byAgent;
    this.defaultAuthority = defaultAuthority;
  }

  static Authorities asOf(List<AgentSetting> settings, long asOfIndex, BigDecimal defaultAuthority) {
    Map<String, AgentSetting> inForce = new HashMap<>();
    for (AgentSetting setting : settings) {
      if (setting.index() <= asOfIndex) {
        inForce.merge(setting.agent(), setting, (a, b) -> IN_FORCE.compare(a, b) >= 0 ? a : b);
      }
    }
    Map<String, BigDecimal> byAgent = new HashMap<>(inForce.size() * 2);
    inForce.forEach((agent, setting) -> byAgent.put(agent, BigDecimal.valueOf(setting.authority())));
    return new Authorities(byAgent, defaultAuthority);
  }

  BigDecimal of(String agent) {
    return byAgent.getOrDefault(agent, defaultAuthority);
  }
}
