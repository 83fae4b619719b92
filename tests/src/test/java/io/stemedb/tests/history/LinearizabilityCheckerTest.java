package io.stemedb.tests.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.tests.history.RecencyRegister.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The checker itself, on histories whose verdict is known. */
class LinearizabilityCheckerTest {
  static final RecencyRegister MODEL = new RecencyRegister();

  static Operation<Op, String> write(int p, long from, long to, String v, long at) {
    return new Operation<>(p, from, to, Op.write(v, at), null);
  }

  static Operation<Op, String> read(int p, long from, long to, String seen) {
    return new Operation<>(p, from, to, Op.read(), seen);
  }

  static boolean linearizable(List<Operation<Op, String>> h) {
    return LinearizabilityChecker.check(MODEL, h).linearizable();
  }

  @Test
  void sequentialHistoriesFollowTheModel() {
    assertThat(linearizable(List.of(write(1, 0, 1, "a", 10), read(2, 2, 3, "a")))).isTrue();
    assertThat(linearizable(List.of(read(2, 0, 1, null), write(1, 2, 3, "a", 10), read(2, 4, 5, "a")))).isTrue();
    // a later write with an older observedAt does not win under the recency lens
    assertThat(linearizable(List.of(write(1, 0, 1, "new", 20), write(1, 2, 3, "old", 10), read(2, 4, 5, "new")))).isTrue();
    assertThat(linearizable(List.of(write(1, 0, 1, "new", 20), write(1, 2, 3, "old", 10), read(2, 4, 5, "old")))).isFalse();
  }

  @Test
  void aStaleReadAfterAnAcknowledgedWriteIsCaught() {
    assertThat(linearizable(List.of(write(1, 0, 10, "a", 1), write(1, 11, 20, "b", 2), read(2, 21, 30, "a")))).isFalse();
    assertThat(linearizable(List.of(write(1, 0, 10, "a", 1), read(2, 11, 12, null)))).isFalse();
  }

  @Test
  void concurrentOperationsMayTakeEitherOrder() {
    // the read overlaps the write: seeing either the old or the new value is fine
    assertThat(linearizable(List.of(write(1, 0, 1, "a", 1), write(1, 2, 10, "b", 2), read(2, 3, 4, "a")))).isTrue();
    assertThat(linearizable(List.of(write(1, 0, 1, "a", 1), write(1, 2, 10, "b", 2), read(2, 3, 4, "b")))).isTrue();
    // but two sequential reads during it cannot go back in time
    assertThat(linearizable(List.of(write(1, 0, 1, "a", 1), write(1, 2, 10, "b", 2),
        read(2, 3, 4, "b"), read(2, 5, 6, "a")))).isFalse();
  }

  @Test
  void aWriteWithAnUnknownOutcomeMayHaveHappenedOrNot() {
    Operation<Op, String> timedOut = Operation.unknown(1, 0, Op.write("x", 5));
    assertThat(linearizable(List.of(timedOut, read(2, 10, 11, null)))).isTrue();
    assertThat(linearizable(List.of(timedOut, read(2, 10, 11, "x")))).isTrue();
    assertThat(linearizable(List.of(timedOut, read(2, 10, 11, "x"), read(2, 12, 13, null))))
        .as("once seen, it happened").isFalse();
    // a value nobody wrote is never linearizable
    assertThat(linearizable(List.of(timedOut, read(2, 10, 11, "y")))).isFalse();
  }

  @Test
  void historiesGeneratedFromASequentialRunAreLinearizableAndOneCorruptedReadIsNot() {
    Random random = new Random(42);
    for (int trial = 0; trial < 200; trial++) {
      // Run operations one at a time against the model at instants 10 apart, then widen each into an
      // interval around its instant (up to 15 either way, so neighbours overlap): linearizable by
      // construction, with real concurrency for the search to untangle.
      List<Operation<Op, String>> history = new ArrayList<>();
      RecencyRegister.Claim state = MODEL.initial();
      List<Integer> reads = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        long point = 100 + 10L * i;
        long start = point - random.nextInt(16);
        long end = point + random.nextInt(16);
        if (random.nextBoolean()) {
          long at = random.nextInt(1000) * 10L + i;
          Op op = Op.write("v" + i, at);
          state = MODEL.step(state, op, null, true).orElseThrow();
          history.add(new Operation<>(i % 3, start, end, op, null));
        } else {
          reads.add(history.size());
          history.add(new Operation<>(i % 3, start, end, Op.read(), state.value()));
        }
      }
      List<Operation<Op, String>> corrupted = new ArrayList<>(history);
      Collections.shuffle(history, random); // the checker must not depend on input order
      assertThat(linearizable(history)).as("trial %d", trial).isTrue();
      if (!reads.isEmpty()) {
        int r = reads.get(random.nextInt(reads.size()));
        Operation<Op, String> read = corrupted.get(r);
        corrupted.set(r, new Operation<>(read.process(), read.invoked(), read.returned(), read.input(), "never written"));
        assertThat(linearizable(corrupted)).as("trial %d with a corrupted read", trial).isFalse();
      }
    }
  }

  @Test
  void manyConcurrentOperationsStayFastThanksToMemoization() {
    // 8 writers all overlapping, then one read of the winner: 8! orders without memoization.
    List<Operation<Op, String>> history = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      history.add(write(i, 0, 100, "v" + i, i));
    }
    history.add(read(9, 101, 102, "v7"));
    LinearizabilityChecker.Result r = LinearizabilityChecker.check(MODEL, history);
    assertThat(r.linearizable()).isTrue();
    history.set(8, read(9, 101, 102, "v3"));
    r = LinearizabilityChecker.check(MODEL, history);
    assertThat(r.linearizable()).isFalse();
    assertThat(r.configurationsExplored()).isLessThan(100_000);
  }
}
