package org.apache.ratis.server.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.server.raftlog.LogProtoUtils;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

/**
 * Why a StemeDB node turns Ratis's composed follower appends off (StemeNode.serverProperties,
 * ServerPropertiesTest). On the pinned Ratis the chain of appends that a follower keeps has two
 * faults: a resend that starts where an append still in flight starts (the leader's retry after a
 * timeout, longer than the first try) is skipped, though the follower answers it as appended; and one
 * failed append fails every later one without trying it, so the follower never catches up. These
 * tests live in Ratis's package because the class is package-private; when an upgrade makes them
 * fail, the Ratis fix has arrived and the setting can be reconsidered.
 */
class ComposedAppendResendTest {
  @Test
  void aLongerResendFromTheIndexOfAnAppendInFlightNeverReachesTheLog() throws Exception {
    ServerImplUtils.NavigableIndices chain = new ServerImplUtils.NavigableIndices();
    List<List<LogEntryProto>> written = new ArrayList<>();
    CompletableFuture<Void> firstFlush = new CompletableFuture<>();

    CompletableFuture<Void> first = chain.append(entries(4, 10, 3), e -> {
      synchronized (written) {
        written.add(e);
      }
      return firstFlush;
    });
    CompletableFuture<Void> resend = chain.append(entries(4, 10, 6), e -> {
      synchronized (written) {
        written.add(e);
      }
      return CompletableFuture.completedFuture(null);
    });
    firstFlush.complete(null);
    first.get(10, TimeUnit.SECONDS);
    resend.get(10, TimeUnit.SECONDS);

    assertThat(written).as("only the first try was written; entries 13..15 of the resend were dropped")
        .hasSize(1);
    assertThat(written.get(0)).hasSize(3);
  }

  @Test
  void oneFailedAppendFailsEveryLaterOneWithoutTryingIt() throws Exception {
    // Seen on a follower after a partition healed: two server threads entered the log's append at
    // once ("Already running a method by ..."), and from then on every appendEntries failed the same
    // way: the follower stayed at its index for good.
    ServerImplUtils.NavigableIndices chain = new ServerImplUtils.NavigableIndices();
    CompletableFuture<Void> failed = chain.append(entries(5, 12, 13),
        e -> CompletableFuture.failedFuture(new IllegalStateException("Already running a method")));
    assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IllegalStateException.class);

    List<List<LogEntryProto>> written = new ArrayList<>();
    CompletableFuture<Void> later = chain.append(entries(5, 12, 30), e -> {
      written.add(e);
      return CompletableFuture.completedFuture(null);
    });
    assertThatThrownBy(() -> later.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IllegalStateException.class);
    assertThat(written).as("the later append was never tried").isEmpty();
  }

  private static List<LogEntryProto> entries(long term, long first, int count) {
    List<LogEntryProto> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      StateMachineLogEntryProto data = StateMachineLogEntryProto.newBuilder()
          .setLogData(ByteString.copyFromUtf8("entry " + (first + i))).build();
      out.add(LogProtoUtils.toLogEntryProto(data, term, first + i));
    }
    return out;
  }
}
