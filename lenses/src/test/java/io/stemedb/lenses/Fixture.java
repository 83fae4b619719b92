package io.stemedb.lenses;

import io.stemedb.model.AgentSetting;
import io.stemedb.model.Assertion;
import io.stemedb.model.CanonicalJson;
import io.stemedb.model.Retraction;
import io.stemedb.model.Stance;
import io.stemedb.model.Vote;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small builders so that each table case reads as the records it is about. */
final class Fixture {
  static final String SUBJECT = "customer:42";
  static final String PREDICATE = "email";
  /** 2026-11-01T10:00:00Z; claims are placed in seconds after it. */
  static final long T0 = 1_793_527_200_000L;

  private Fixture() {}

  static long t(int seconds) {
    return T0 + seconds * 1000L;
  }

  /** A claim in epoch 0; {@code json} is any JSON text, canonicalised as the API would. */
  static Assertion claim(String agent, String json, long observedAt, double confidence, long index) {
    return claimIn(0, agent, json, observedAt, confidence, index);
  }

  static Assertion claim(String agent, String json, long observedAt, long index) {
    return claim(agent, json, observedAt, 1.0, index);
  }

  static Assertion claimIn(
      long epoch, String agent, String json, long observedAt, double confidence, long index) {
    return Assertion.claim(
            SUBJECT, PREDICATE, CanonicalJson.canonicalize(json), agent, confidence, observedAt, null)
        .at(index, epoch);
  }

  static Vote endorse(String voter, Assertion claim, long index) {
    return new Vote(claim.id(), voter, Stance.ENDORSE, index);
  }

  static Vote dispute(String voter, Assertion claim, long index) {
    return new Vote(claim.id(), voter, Stance.DISPUTE, index);
  }

  static Retraction retract(Assertion claim, long index) {
    return new Retraction(claim.id(), claim.agent(), false, index);
  }

  static AgentSetting authority(String agent, double authority, long index) {
    return new AgentSetting(agent, authority, "", index);
  }

  /** Any mix of model records, sorted into a {@link Records} by type. */
  static Records records(Object... items) {
    List<Assertion> assertions = new ArrayList<>();
    List<Retraction> retractions = new ArrayList<>();
    List<Vote> votes = new ArrayList<>();
    List<AgentSetting> settings = new ArrayList<>();
    for (Object item : items) {
      if (item instanceof Assertion a) {
        assertions.add(a);
      } else if (item instanceof Retraction r) {
        retractions.add(r);
      } else if (item instanceof Vote v) {
        votes.add(v);
      } else if (item instanceof AgentSetting s) {
        settings.add(s);
      } else {
        throw new IllegalArgumentException("not a record: " + item);
      }
    }
    return new Records(assertions, retractions, votes, settings);
  }

  static Optional<Resolution> resolve(Lens lens, Records records, ReadFilter filter) {
    return Lenses.resolve(lens, records, filter, Lenses.DEFAULT_AUTHORITY);
  }

  /** Everything applied, epoch 0, default authority 1; the resolution must exist. */
  static Resolution resolve(Lens lens, Records records) {
    return resolve(lens, records, ReadFilter.epoch(0)).orElseThrow();
  }

  static Resolution resolve(Lens lens, Object... items) {
    return resolve(lens, records(items));
  }

  static BigDecimal dec(String text) {
    return new BigDecimal(text);
  }

  static String json(String text) {
    return CanonicalJson.canonicalize(text);
  }

  /** The greater-id one of two claims (ids are lowercase hex: string order is numeric order). */
  static Assertion greaterId(Assertion a, Assertion b) {
    return a.id().compareTo(b.id()) > 0 ? a : b;
  }

  static Assertion lesserId(Assertion a, Assertion b) {
    return a.id().compareTo(b.id()) > 0 ? b : a;
  }
}
