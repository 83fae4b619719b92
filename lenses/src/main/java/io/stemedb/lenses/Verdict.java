package io.stemedb.lenses;

import io.stemedb.model.Assertion;

/**
 * The top of a lens's ranking and why: what every order hands back to {@link Lenses}.
 *
 * @param winner the best effective claim
 * @param runnerUp the second in the lens's order, {@code null} with one candidate
 */
record Verdict(Assertion winner, Assertion runnerUp, Resolution.Explanation explain) {
  static final Resolution.Explanation ONLY_ONE =
      new Resolution.Explanation(DecidedBy.ONLY_CANDIDATE, "only one candidate");

  static Verdict only(Assertion winner) {
    return new Verdict(winner, null, ONLY_ONE);
  }
}
