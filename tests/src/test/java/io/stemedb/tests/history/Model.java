package io.stemedb.tests.history;

import java.util.Optional;

/**
 * A sequential specification: what one operation does to the state when operations run one at a
 * time. States must be immutable values with {@code equals}/{@code hashCode}; the checker memoizes on
 * them.
 */
public interface Model<S, I, O> {
  S initial();

  /**
   * The state after {@code op} runs in {@code state}, or empty when the operation could not have
   * returned what it returned there (a read that saw something else). Operations with an unknown
   * outcome are stepped with {@code knownOutcome = false} and must then be accepted whatever they
   * returned.
   */
  Optional<S> step(S state, I input, O output, boolean knownOutcome);
}
