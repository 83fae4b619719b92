package io.stemedb.tests.history;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a history is linearizable against a sequential {@link Model}: whether each
 * operation can be given one instant between its invocation and its return so that, taken in that
 * order, every operation does what the model says and returns what it returned.
 *
 * <p>The search is Wing and Gong's, with Lowe's memoization (as in Porcupine and Knossos): walk the
 * history's events in time order; at each pending call, try to linearize it now (if the model accepts
 * it) and go on; a return event whose operation was not linearized yet is a dead end, so back up and
 * try the next candidate. A configuration (the set of operations linearized so far, the model state)
 * seen before is not explored again. Histories are split per key by the caller (registers are
 * independent), which keeps each search small.
 */
public final class LinearizabilityChecker {
  private LinearizabilityChecker() {}

  /** The verdict, and for a refusal the longest prefix order that worked (for the failure message). */
  public record Result(boolean linearizable, List<Integer> longestOrder, long configurationsExplored) {}

  private static final class Entry {
    final int op;
    final boolean call;
    final long time;
    Entry match; // a call's return
    Entry prev;
    Entry next;

    Entry(int op, boolean call, long time) {
      this.op = op;
      this.call = call;
      this.time = time;
    }
  }

  public static <S, I, O> Result check(Model<S, I, O> model, List<Operation<I, O>> history) {
    Entry head = events(history);
    BitSet linearized = new BitSet(history.size());
    Set<Object> seen = new HashSet<>();
    List<Object[]> stack = new ArrayList<>(); // (entry, previous state)
    List<Integer> order = new ArrayList<>();
    List<Integer> longest = new ArrayList<>();
    S state = model.initial();
    long explored = 0;
    Entry entry = head.next;
    while (entry != null) {
      if (entry.call) {
        Operation<I, O> op = history.get(entry.op);
        Optional<S> next = model.step(state, op.input(), op.output(), op.outcomeKnown());
        BitSet candidate = (BitSet) linearized.clone();
        candidate.set(entry.op);
        if (next.isPresent() && seen.add(List.of(candidate, next.get()))) {
          explored++;
          stack.add(new Object[] {entry, state});
          order.add(entry.op);
          if (order.size() > longest.size()) {
            longest = new ArrayList<>(order);
          }
          state = next.get();
          linearized.set(entry.op);
          lift(entry);
          entry = head.next;
        } else {
          entry = entry.next;
        }
      } else {
        // A return whose call is still pending: this branch cannot be completed.
        if (stack.isEmpty()) {
          return new Result(false, longest, explored);
        }
        Object[] top = stack.remove(stack.size() - 1);
        Entry undone = (Entry) top[0];
        @SuppressWarnings("unchecked")
        S before = (S) top[1];
        state = before;
        linearized.clear(undone.op);
        order.remove(order.size() - 1);
        unlift(undone);
        entry = undone.next;
      }
    }
    return new Result(true, order, explored);
  }

  /** A doubly linked list of call and return events in time order (calls first at equal times). */
  private static <I, O> Entry events(List<Operation<I, O>> history) {
    List<Entry> all = new ArrayList<>();
    for (int i = 0; i < history.size(); i++) {
      Operation<I, O> op = history.get(i);
      Entry call = new Entry(i, true, op.invoked());
      all.add(call);
      // An operation with an unknown outcome has no return: it may linearize any time after its
      // call, or never (which is the same as last, since nothing after it depends on it).
      if (op.outcomeKnown()) {
        call.match = new Entry(i, false, op.returned());
        all.add(call.match);
      }
    }
    // An operation that returned before another was invoked must come first: at equal timestamps
    // the return is taken to be earlier only if it is strictly earlier, so calls sort first.
    all.sort(Comparator.comparingLong((Entry e) -> e.time).thenComparing(e -> e.call ? 0 : 1));
    Entry head = new Entry(-1, true, Long.MIN_VALUE);
    Entry prev = head;
    for (Entry e : all) {
      prev.next = e;
      e.prev = prev;
      prev = e;
    }
    return head;
  }

  /** Takes a linearized call and its return out of the event list. */
  private static void lift(Entry call) {
    call.prev.next = call.next;
    if (call.next != null) {
      call.next.prev = call.prev;
    }
    Entry ret = call.match;
    if (ret != null) {
      ret.prev.next = ret.next;
      if (ret.next != null) {
        ret.next.prev = ret.prev;
      }
    }
  }

  /** Puts them back (in the reverse order of {@link #lift}). */
  private static void unlift(Entry call) {
    Entry ret = call.match;
    if (ret != null) {
      ret.prev.next = ret;
      if (ret.next != null) {
        ret.next.prev = ret;
      }
    }
    call.prev.next = call;
    if (call.next != null) {
      call.next.prev = call;
    }
  }
}
