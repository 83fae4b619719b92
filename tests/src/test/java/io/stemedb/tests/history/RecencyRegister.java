package io.stemedb.tests.history;

import java.util.Optional;

/**
 * One (subject, predicate) read through the recency lens, as a sequential object: a write adds a
 * claim with its {@code observedAt}; a read returns the value of the claim with the greatest
 * {@code observedAt} so far (or nothing). Workloads give every claim of a key a distinct
 * {@code observedAt}, so the lens's tie-breaks never decide; that keeps the model this small and
 * still catches lost, reordered and stale answers.
 *
 * <p>State: the winning claim so far, or {@link #NONE}.
 */
public final class RecencyRegister implements Model<RecencyRegister.Claim, RecencyRegister.Op, String> {
  /** A claim's value and observedAt. */
  public record Claim(String value, long observedAt) {}

  /** A write of a claim, or a read ({@code write == null}). */
  public record Op(Claim write) {
    public static Op read() {
      return new Op(null);
    }

    public static Op write(String value, long observedAt) {
      return new Op(new Claim(value, observedAt));
    }
  }

  /** No claim yet: reads answer nothing (the API's 404). */
  public static final Claim NONE = new Claim(null, Long.MIN_VALUE);

  @Override
  public Claim initial() {
    return NONE;
  }

  @Override
  public Optional<Claim> step(Claim state, Op op, String output, boolean knownOutcome) {
    if (op.write() != null) {
      boolean wins = op.write().observedAt() > state.observedAt();
      return Optional.of(wins ? op.write() : state);
    }
    if (!knownOutcome) {
      return Optional.of(state);
    }
    return java.util.Objects.equals(state.value(), output) ? Optional.of(state) : Optional.empty();
  }
}
