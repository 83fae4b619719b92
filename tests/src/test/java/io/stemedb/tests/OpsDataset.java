package io.stemedb.tests;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A dataset with every kind of record and history an export must carry: conflicting claims from
 * agents of different authority, votes that change their stance, retractions (own and forced),
 * an agent's authority changed twice, epochs for one subject and for every subject, claims after them.
 */
final class OpsDataset {
  final List<String[]> keys = new ArrayList<>();

  /** Writes {@code claims} bulk claims (batches of 1,000) plus the histories; returns the keys to resolve. */
  static OpsDataset write(OpsCluster c, int claims) throws Exception {
    OpsDataset d = new OpsDataset();
    String[] agents = {"crm", "web", "support", "billing"};
    int perBatch = 1000;
    for (int start = 0; start < claims; start += perBatch) {
      List<Map<String, Object>> batch = new ArrayList<>();
      for (int i = start; i < Math.min(claims, start + perBatch); i++) {
        batch.add(Map.of("subject", "customer:" + (i / 4), "predicate", "email", "value", "v" + (i % 3) + "@x.com",
            "agent", agents[i % 4], "confidence", 0.5 + (i % 5) / 10.0,
            "observedAt", "2026-01-01T00:00:00." + String.format("%03d", i % 1000) + "Z", "source", "bulk"));
      }
      c.post(1 + (start / perBatch) % 3, "/v1/assertions", Map.of("assertions", batch));
    }
    c.put(1, "/v1/admin/agents/crm", Map.of("authority", 5, "description", "the CRM"));
    c.put(2, "/v1/admin/agents/web", Map.of("authority", 2));
    c.put(3, "/v1/admin/agents/crm", Map.of("authority", 3, "description", "the CRM, demoted"));
    for (int s = 0; s < 12; s++) {
      String subject = "hist:" + s;
      List<String> ids = new ArrayList<>();
      for (int a = 0; a < 4; a++) {
        JsonNode r = c.post(1 + a % 3, "/v1/assertions", Map.of("subject", subject, "predicate", "phone",
            "value", Map.of("n", "+1-" + (a % 2), "ext", a), "agent", agents[a],
            "observedAt", "2026-02-0" + (1 + a) + "T10:00:00Z"));
        ids.add(r.path("id").asText());
      }
      c.post(2, "/v1/votes", Map.of("assertionId", ids.get(0), "agent", "web", "stance", "endorse"));
      c.post(3, "/v1/votes", Map.of("assertionId", ids.get(0), "agent", "web", "stance", "dispute"));
      c.post(1, "/v1/votes", Map.of("assertionId", ids.get(0), "agent", "web", "stance", "endorse"));
      c.post(1, "/v1/votes", Map.of("assertionId", ids.get(1), "agent", "support", "stance", "dispute"));
      if (s % 3 == 0) {
        c.post(2, "/v1/retractions", Map.of("assertionId", ids.get(2), "agent", "support"));
      }
      if (s % 4 == 1) {
        c.post(3, "/v1/retractions", Map.of("assertionId", ids.get(3), "agent", "crm", "force", true));
      }
      if (s % 5 == 2) {
        c.post(1, "/v1/admin/epochs", Map.of("subject", subject, "reason", "reset " + s));
        c.post(2, "/v1/assertions", Map.of("subject", subject, "predicate", "phone", "value", "after-epoch",
            "agent", "billing", "observedAt", "2026-03-01T00:00:00Z"));
      }
      d.keys.add(new String[] {subject, "phone"});
    }
    c.post(1, "/v1/admin/epochs", Map.of("subject", "*", "reason", "global reset"));
    c.post(3, "/v1/assertions", Map.of("subject", "hist:0", "predicate", "phone", "value", "after-global",
        "agent", "web", "observedAt", "2026-04-01T00:00:00Z"));
    for (int i = 0; i < Math.min(claims / 4, 40); i++) {
      d.keys.add(new String[] {"customer:" + (i * 7 % Math.max(1, claims / 4)), "email"});
    }
    return d;
  }
}
