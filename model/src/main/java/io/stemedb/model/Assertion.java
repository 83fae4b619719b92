package io.stemedb.model;

import java.util.Objects;

/**
 * A claim an agent made about a subject, as stored: never overwritten, only retracted.
 *
 * @param id content address, see {@link AssertionId}
 * @param value the claimed value in RFC 8785 canonical JSON
 * @param confidence in [0, 1]
 * @param observedAt epoch milliseconds (the contract's millisecond precision)
 * @param source optional provenance text or URL, {@code null} when absent
 * @param index the Raft log index that applied it (0 before it is applied)
 * @param epoch how many epoch openings for its subject or {@code *} were applied before it
 */
public record Assertion(
    String id,
    String subject,
    String predicate,
    String value,
    String agent,
    double confidence,
    long observedAt,
    String source,
    long index,
    long epoch) implements StoredRecord {

  public Assertion {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(predicate, "predicate");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(agent, "agent");
    // NaN fails this test too: exact decimal support sums need a finite number.
    if (!(confidence >= 0 && confidence <= 1)) {
      throw new IllegalArgumentException("confidence must be between 0 and 1: " + confidence);
    }
  }

  /** A new claim, its id computed from its content; {@code value} must already be canonical. */
  public static Assertion claim(
      String subject,
      String predicate,
      String canonicalValue,
      String agent,
      double confidence,
      long observedAt,
      String source) {
    String id = AssertionId.of(subject, predicate, canonicalValue, agent, observedAt);
    return new Assertion(
        id, subject, predicate, canonicalValue, agent, confidence, observedAt, source, 0, 0);
  }

  /** This claim as applied at a log position. */
  public Assertion at(long index, long epoch) {
    return new Assertion(
        id, subject, predicate, value, agent, confidence, observedAt, source, index, epoch);
  }

  /** Same id, but a different confidence or source: the contract's 409 conflict. */
  public boolean conflictsWith(Assertion other) {
    return id.equals(other.id)
        && (Double.compare(confidence, other.confidence) != 0
            || !Objects.equals(source, other.source));
  }

  @Override
  public String type() {
    return "assertion";
  }
}
