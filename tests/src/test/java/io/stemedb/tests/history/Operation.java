package io.stemedb.tests.history;

/**
 * One client operation as a history records it: when it was invoked and when it returned (by one
 * monotonic clock), what it asked and what it got. An operation whose outcome is unknown (a timeout,
 * a lost connection) has {@code returned = Long.MAX_VALUE}: it may have taken effect at any time after
 * its invocation, or never — which the checker models by letting it linearize anywhere after it was
 * invoked, including after everything else.
 *
 * @param input what the operation asked (e.g. the value written), model-specific
 * @param output what it returned (e.g. the value read); ignored for unknown outcomes
 */
public record Operation<I, O>(int process, long invoked, long returned, I input, O output) {
  public Operation {
    if (returned < invoked) {
      throw new IllegalArgumentException("returned before invoked: " + invoked + " > " + returned);
    }
  }

  public static <I, O> Operation<I, O> unknown(int process, long invoked, I input) {
    return new Operation<>(process, invoked, Long.MAX_VALUE, input, null);
  }

  public boolean outcomeKnown() {
    return returned != Long.MAX_VALUE;
  }
}
