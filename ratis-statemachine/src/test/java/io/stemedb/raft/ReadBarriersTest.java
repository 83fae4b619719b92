package io.stemedb.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The sharing rule of linearizable reads: a reader is served only by a round that began after it came. */
class ReadBarriersTest {
  /** Rounds the test completes by hand, in order. */
  final List<CompletableFuture<Void>> rounds = new ArrayList<>();
  final ReadBarriers barriers = new ReadBarriers(() -> {
    CompletableFuture<Void> r = new CompletableFuture<>();
    rounds.add(r);
    return r;
  }, Runnable::run);

  @Test
  void readersArrivingDuringARoundShareTheNextOneNotTheCurrentOne() {
    CompletableFuture<Void> first = barriers.await();
    assertThat(rounds).hasSize(1);
    CompletableFuture<Void> second = barriers.await();
    CompletableFuture<Void> third = barriers.await();
    assertThat(rounds).as("no round per reader while one is out").hasSize(1);

    rounds.get(0).complete(null);
    assertThat(first).isCompleted();
    assertThat(second).as("the round that was out began before it came").isNotCompleted();
    assertThat(third).isNotCompleted();
    assertThat(rounds).as("one round for everyone who waited").hasSize(2);

    rounds.get(1).complete(null);
    assertThat(second).isCompleted();
    assertThat(third).isCompleted();
    assertThat(rounds).hasSize(2);
  }

  @Test
  void aFailedRoundFailsItsReadersAndTheNextRoundStillRuns() {
    CompletableFuture<Void> first = barriers.await();
    CompletableFuture<Void> second = barriers.await();
    rounds.get(0).completeExceptionally(new IllegalStateException("no leader"));
    assertThatThrownBy(first::join).isInstanceOf(CompletionException.class).hasMessageContaining("no leader");
    assertThat(second).isNotCompleted();
    rounds.get(1).complete(null);
    assertThat(second).isCompleted();

    CompletableFuture<Void> later = barriers.await();
    assertThat(rounds).as("idle again: a new reader starts a round at once").hasSize(3);
    rounds.get(2).complete(null);
    assertThat(later).isCompleted();
  }
}
