package io.stemedb.raft;

import io.stemedb.raft.proto.EntryReply;
import io.stemedb.raft.proto.LogEntry;
import io.stemedb.raft.proto.Query;
import io.stemedb.raft.proto.ReadBarrier;
import io.stemedb.storage.Outcome;
import io.stemedb.storage.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.retry.ExceptionDependentRetry;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One StemeDB node: a Ratis server (gRPC, on the node's Raft port) running the {@link
 * StemeStateMachine}, and the facade the HTTP layer calls — write, read at a consistency level,
 * status, leadership and membership, snapshot. Data flows one way: propose → Raft commit → apply →
 * store; reads go to the local store once the consistency level is met.
 *
 * <p>Writes go through this node's Raft client, which finds the leader and resends to it, so any node
 * accepts writes; the server's retry cache makes a resent request apply once.
 */
public final class StemeNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StemeNode.class);
  /** A transfer holds new writes back until it completes or gives up; keep that short. */
  private static final long PRIORITY_TRANSFER_TIMEOUT_MS = 2000;

  static {
    // Ratis's dropwizard3 metrics would start a JMX reporter that needs metrics-core 3.x classes;
    // registering our own reporter first prevents it (see shared/brief/stack.md, section 7).
    MetricRegistries.global().addReporterRegistration(r -> {}, r -> {});
    if (java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() < 2) {
      LOG.warn("the JVM's common ForkJoinPool has parallelism {}: CompletableFuture then starts a thread per async task, "
          + "and Ratis runs one per follower append. Start the JVM with "
          + "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2 (the stemedb command does).",
          java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());
    }
  }

  private final NodeConfig config;
  private final RaftGroup group;
  private final RaftPeerId self;
  private final StemeStateMachine stateMachine;
  private final RaftServer server;
  private final RaftClient client;
  private volatile long lastLeaderContactNanos;
  private final java.util.concurrent.ScheduledExecutorService leaderProbe =
      Executors.newSingleThreadScheduledExecutor(StemeStateMachine.daemon("stemedb-leader-probe"));
  private final java.util.concurrent.ExecutorService clientCalls =
      Executors.newCachedThreadPool(StemeStateMachine.daemon("stemedb-raft-client"));
  private final NodeMetrics metrics = new NodeMetrics();
  private final java.util.concurrent.ScheduledExecutorService merkleChecks =
      Executors.newSingleThreadScheduledExecutor(StemeStateMachine.daemon("stemedb-merkle-check"));
  /** Runs only after a restore (its own thread: asking the leader can block for seconds). */
  private final java.util.concurrent.ScheduledExecutorService restoreRejoin =
      Executors.newSingleThreadScheduledExecutor(StemeStateMachine.daemon("stemedb-restore-rejoin"));
  private static final Message BARRIER_QUERY = Message.valueOf(UnsafeByteOperations.unsafeWrap(
      Query.newBuilder().setBarrier(ReadBarrier.getDefaultInstance()).build().toByteArray()));
  private static final Message LEADER_READ_ROUND = Message.valueOf(UnsafeByteOperations.unsafeWrap(
      LogEntry.newBuilder().setReadBarrier(true).build().toByteArray()));
  private final org.apache.ratis.protocol.ClientId readClientId = org.apache.ratis.protocol.ClientId.randomId();
  private final java.util.concurrent.atomic.AtomicLong readCallIds = new java.util.concurrent.atomic.AtomicLong();
  private final ReadBarriers readBarriers = new ReadBarriers(this::readIndexRound, clientCalls);
  private long probes;
  private final GroupCommit groupCommit;
  private final PriorityYield priorityYield;

  private StemeNode(NodeConfig config, DiskFailure onDiskFailure) throws IOException {
    this.config = config;
    // First, so that a bad certificate or key stops the start before any thread or port exists.
    Parameters rpc = RaftTls.parameters(config.tls());
    this.self = RaftPeerId.valueOf(config.nodeId());
    this.group = RaftGroup.valueOf(groupId(config.clusterName()), peers(config.peers()));
    this.stateMachine = new StemeStateMachine(Clock.systemUTC(), config.commitInterval(), metrics,
        config.dataDir().resolve(RestoreSeed.DIRECTORY), onDiskFailure);
    stateMachine.setFollowers(config.peers().size() - 1);
    RaftProperties properties = serverProperties(config);
    this.server =
        RaftServer.newBuilder()
            .setServerId(self)
            .setGroup(group)
            .setStateMachine(stateMachine)
            .setProperties(properties)
            .setParameters(rpc)
            .setOption(RaftStorage.StartupOption.RECOVER)
            .build();
    this.client = newClient(group, config.requestTimeout(), rpc);
    // Ratis's blocking API waits for each answer before the next request, which held a snapshot copy
    // to ~50 MB/s here; its async API keeps several in flight (~140 MB/s).
    stateMachine.setLeaderLinks(() -> {
      RaftClient own = newClient(group, config.requestTimeout(), rpc);
      return new StemeStateMachine.LeaderLink() {
        @Override
        public CompletableFuture<ByteString> query(RaftPeerId leader, Message query) {
          return own.async().sendStaleRead(query, 0, leader).thenApply(reply -> {
            if (!reply.isSuccess()) {
              throw new CompletionException(reply.getException());
            }
            return reply.getMessage().getContent();
          });
        }

        @Override
        public void close() {
          try {
            own.close();
          } catch (IOException e) {
            LOG.warn("closing the snapshot copy's Raft client failed", e);
          }
        }
      };
    });
    this.groupCommit = config.groupCommit().enabled()
        ? new GroupCommit(config.nodeId(), config.groupCommit(), this::send,
            metrics.groupCommitBatchRequests, metrics.groupCommitBatchBytes)
        : null;
    this.priorityYield = new PriorityYield(self, to -> clientCalls.execute(() -> yieldLeadership(to)));
    server.start();
    metrics.bind(this);
    leaderProbe.scheduleWithFixedDelay(this::probe, 100, 100, TimeUnit.MILLISECONDS);
    long every = config.merkleCheckInterval().toMillis();
    if (every > 0) {
      MerkleCheck check = new MerkleCheck(config.nodeId(), new MerkleCheckSide(), metrics, config.requestTimeout().toMillis());
      merkleChecks.scheduleWithFixedDelay(check::run, every, every, TimeUnit.MILLISECONDS);
    }
    watchRestoreRejoin();
    LOG.info("node {} started: raft {}:{} ({}), peers {}, data {}",
        config.nodeId(), config.raftHost(), config.raftPort(),
        config.tls() == null ? "plaintext" : "mutual TLS, trusting " + config.tls().caFile(), config.peers(), config.dataDir());
  }

  /** After a restore installed at this start: see that the leader brings this node forward ({@link RestoreRejoin}). */
  private void watchRestoreRejoin() {
    Store.Position restored = stateMachine.restoredAt();
    if (restored == null) {
      return;
    }
    RestoreRejoin rejoin = new RestoreRejoin(config.nodeId(), restored.index(), new RestoreRejoin.Node() {
      @Override
      public String leader() {
        RaftPeerId leader = division().getInfo().getLeaderId();
        return leader == null ? null : leader.toString();
      }

      @Override
      public boolean isLeader() {
        return isLeaderQuietly();
      }

      @Override
      public long commitIndex() {
        return division().getRaftLog().getLastCommittedIndex();
      }

      @Override
      public long leaderCommitIndex(String leader) throws IOException {
        RaftPeerId id = RaftPeerId.valueOf(leader);
        return client.getGroupManagementApi(id).info(group.getGroupId()).getCommitInfos().stream()
            .filter(c -> RaftPeerId.valueOf(c.getServer().getId()).equals(id))
            .mapToLong(org.apache.ratis.proto.RaftProtos.CommitInfoProto::getCommitIndex)
            .findFirst().orElseThrow(() -> new IOException(leader + " did not report its commit index"));
      }

      @Override
      public boolean copyingSnapshot() {
        return stateMachine.copyingSnapshot();
      }

      @Override
      public void askToStepDown(String leader) throws IOException {
        RaftClientReply reply = client.admin().transferLeadership(null, RaftPeerId.valueOf(leader),
            PRIORITY_TRANSFER_TIMEOUT_MS);
        if (!reply.isSuccess()) {
          throw reply.getException() != null ? reply.getException() : new IOException("refused");
        }
      }
    }, TimeUnit.MILLISECONDS.toNanos(Math.max(5000, 5 * config.electionTimeoutMax().toMillis())), 3);
    restoreRejoin.scheduleWithFixedDelay(() -> {
      if (!rejoin.check(System.nanoTime())) {
        restoreRejoin.shutdown();
      }
    }, 1, 1, TimeUnit.SECONDS);
  }

  /** Starts the node; it joins (or forms) its cluster in the background. */
  public static StemeNode start(NodeConfig config) throws IOException {
    return new StemeNode(config, DiskFailure.KEEP_PROCESS);
  }

  /** Starts the node with {@code onDiskFailure} deciding what a failed log or store does to the process. */
  public static StemeNode start(NodeConfig config, DiskFailure onDiskFailure) throws IOException {
    return new StemeNode(config, onDiskFailure);
  }

  static RaftGroupId groupId(String clusterName) {
    return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("stemedb:" + clusterName).getBytes(StandardCharsets.UTF_8)));
  }

  static List<RaftPeer> peers(List<NodeConfig.Peer> peers) {
    List<RaftPeer> out = new ArrayList<>();
    for (NodeConfig.Peer p : peers) {
      out.add(toRaftPeer(p));
    }
    return out;
  }

  private static RaftPeer toRaftPeer(NodeConfig.Peer p) {
    return RaftPeer.newBuilder().setId(p.id()).setAddress(p.raftAddress()).setPriority(p.priority())
        .setStartupRole(p.learner() ? RaftPeerRole.LISTENER : RaftPeerRole.FOLLOWER).build();
  }

  /** Waits between the leader's tries at a failed follower: 1 ms ×10, 100 ms ×20, then 500 ms (each ±50 %). */
  static final String APPENDER_RETRY_POLICY = "1ms,10, 100ms,20, 500ms," + Integer.MAX_VALUE;

  /** The Ratis settings the product relies on; ratis-statemachine/DESIGN.md says why for each. */
  static RaftProperties serverProperties(NodeConfig c) {
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    GrpcConfigKeys.Server.setHost(p, c.raftHost());
    GrpcConfigKeys.Server.setPort(p, c.raftPort());
    RaftServerConfigKeys.setStorageDir(p, List.of(c.dataDir().resolve("raft").toFile()));
    // A follower's reads go through ReadIndex, which the leader confirms with a heartbeat round
    // that only successful replies complete (the leader's own reads commit an entry instead, see
    // readIndexAttempt). No leader lease: Ratis 3.3 renews it from any reply to a heartbeat, a
    // follower's "not leader, term is higher" included.
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, false);
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(c.electionTimeoutMin().toMillis(), TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(c.electionTimeoutMax().toMillis(), TimeUnit.MILLISECONDS));
    // A leader that missed a majority's replies for an election timeout steps down, and Ratis then
    // keeps it from standing again for 10 s. With one node of three down, the survivor whose log is
    // shorter cannot win either, so a single late reply (a busy machine, a node just restarted) cost
    // 10 s without a leader. Pre-vote already keeps a node that cannot win from disturbing anyone.
    RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p,
        TimeDuration.valueOf(4 * c.electionTimeoutMax().toMillis(), TimeUnit.MILLISECONDS));
    // Snapshots are cheap (a store commit), so take them often enough to keep the log short, and
    // purge the log behind them; a follower that falls behind pulls the state instead (notify mode).
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, c.snapshotEveryEntries());
    RaftServerConfigKeys.Snapshot.setCreationGap(p, 1);
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.setPurgeGap(p, c.purgeGap());
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(c.logSegmentBytes()));
    RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, false);
    // Ratis would append a metadata entry (the commit index) after every commit, doubling the log's
    // appends, fsyncs and replication. Raft does not need the commit index on disk: a restarted node
    // learns it from the leader, and our store knows what it applied.
    RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
    // Ratis 3.3 appends a follower's entries on a chain of futures ("compose"). One failed append
    // fails every later one without trying it: after a partition healed under load, two threads
    // entered the log at once ("Already running a method by ..."), and the follower then refused
    // every appendEntries and never caught up (FaultScenariosTest, about 1 run in 10 on a loaded
    // machine). The chain also skips a resend that starts where an append in flight starts, yet
    // answers it as appended. The plain path appends under the log's lock, as Raft describes.
    // (org.apache.ratis.server.impl.ComposedAppendResendTest shows both on the pinned version.)
    RaftServerConfigKeys.Log.setAppendEntriesComposeEnabled(p, false);
    // How long the leader waits between tries to reach a follower that failed. Ratis's default
    // ("1ms,10, 1s,20, 5s,1000") waits 2.5-7.5 s once a follower has been down for ~20 s, so a node
    // restarted after an outage sat for up to that long before the leader even noticed it (the
    // catch-up benchmark saw 2.7 s of it; the node, hearing nobody, ran pre-votes meanwhile). A try
    // at a node that is down costs a refused connection, so keep trying every 0.25-0.75 s, forever
    // (Ratis's default list also runs out after ~80 minutes; after that it no longer backs off).
    RaftServerConfigKeys.Log.Appender.setRetryPolicy(p, APPENDER_RETRY_POLICY);
    // Escape hatch for tuning and benchmarks: any -Draft.* system property overrides the above, e.g.
    // -Draft.server.log.force.sync.num=16 (values as Ratis parses them: "500ms", "64KB").
    for (String key : System.getProperties().stringPropertyNames()) {
      if (key.startsWith("raft.")) {
        p.set(key, System.getProperty(key));
        LOG.info("Ratis setting from the command line: {}={}", key, System.getProperty(key));
      }
    }
    return p;
  }

  private static RaftClient newClient(RaftGroup group, Duration requestTimeout, Parameters rpc) {
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(Math.min(3000, requestTimeout.toMillis()), TimeUnit.MILLISECONDS));
    long sleepMs = 100;
    int attempts = (int) Math.max(1, requestTimeout.toMillis() / sleepMs);
    return RaftClient.newBuilder()
        .setRaftGroup(group)
        .setProperties(p)
        .setParameters(rpc)
        .setRetryPolicy(ExceptionDependentRetry.newBuilder()
            // A refusal by the leader's validation is final; anything else (no leader yet, a leader
            // change, a lost connection) is retried until the request timeout.
            .setExceptionToPolicy(StateMachineException.class, RetryPolicies.noRetry())
            .setDefaultPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                attempts, TimeDuration.valueOf(sleepMs, TimeUnit.MILLISECONDS)))
            .build())
        .build();
  }

  public String id() {
    return config.nodeId();
  }

  public NodeConfig config() {
    return config;
  }

  /** The state machine (for tests and the node's own tooling). */
  public StemeStateMachine stateMachine() {
    return stateMachine;
  }

  // ---------------------------------------------------------------------------------------- writes

  /**
   * Proposes one log entry holding {@code requests}; each request applies all-or-nothing and gets its
   * own outcomes. Completes with {@link InvalidProposalException} when the leader refused it (nothing
   * entered the log) and {@link UnavailableException} when no quorum answered within the timeout.
   */
  public CompletableFuture<List<List<Outcome>>> propose(List<List<Proposal>> requests) {
    LogEntry proposal = Commands.encodeProposal(requests);
    try {
      // The leader checks again before appending; checking here answers bad input without a round trip.
      Commands.completeOnLeader(proposal, System.currentTimeMillis());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new InvalidProposalException(e.getMessage()));
    }
    return send(proposal);
  }

  /**
   * One client request, applied all-or-nothing. With group commit on, it shares a Raft entry with
   * the requests that other clients of this node send at the same time ({@link GroupCommit}).
   */
  public CompletableFuture<List<Outcome>> submit(List<Proposal> request) {
    if (groupCommit == null) {
      return propose(List.of(request)).thenApply(outcomes -> outcomes.get(0));
    }
    io.stemedb.raft.proto.Request encoded = Commands.encodeRequest(request);
    try {
      Commands.completeRequest(encoded, System.currentTimeMillis());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new InvalidProposalException(e.getMessage()));
    }
    // A request queued behind a cluster without quorum must not wait for ever: past the timeout its
    // client hears "unavailable" (a retry is safe), and the dispatcher drops it if it has not left yet.
    return groupCommit.submit(encoded)
        .orTimeout(config.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)
        .handle((outcomes, error) -> {
          if (error != null) {
            throw translate(error, "write");
          }
          return outcomes;
        });
  }

  /** {@link #submit}, waiting for the request's outcomes. */
  public List<Outcome> write(List<Proposal> request) {
    return join(submit(request));
  }

  /** {@link #propose}, waiting for the outcomes: several requests, each all-or-nothing, in one entry. */
  public List<List<Outcome>> writeEach(List<List<Proposal>> requests) {
    return join(propose(requests));
  }

  /** Sends a checked entry to the leader and decodes its answer. */
  private CompletableFuture<List<List<Outcome>>> send(LogEntry proposal) {
    Message message = Message.valueOf(UnsafeByteOperations.unsafeWrap(proposal.toByteArray()));
    // The blocking API, on our own threads: each entry is independent. (Ratis's ordered async API
    // closes its sliding window for good after one request fails without retry.)
    return CompletableFuture.supplyAsync(() -> sendBlocking(message), clientCalls)
        .orTimeout(config.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)
        .handle((reply, error) -> {
          if (error != null) {
            throw translate(error, "write");
          }
          if (!reply.isSuccess()) {
            throw translate(reply.getException(), "write");
          }
          try {
            return Commands.decodeReply(EntryReply.parseFrom(reply.getMessage().getContent().asReadOnlyByteBuffer()));
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("the state machine answered garbage", e);
          }
        });
  }

  private RaftClientReply sendBlocking(Message message) {
    try {
      return client.io().send(message);
    } catch (IOException e) {
      throw new CompletionException(e);
    }
  }

  /**
   * This replica and {@code other} compared at one log index (a checkpoint entry appended now).
   *
   * @throws java.util.concurrent.TimeoutException when one of them does not apply it in time
   */
  public MerkleDiff.Result compareWith(String other, Duration timeout) throws Exception {
    return MerkleDiff.compare(new MerkleCheckSide(), List.of(id(), other), timeout);
  }

  /** What {@link MerkleCheck} does through this node. */
  private final class MerkleCheckSide implements MerkleCheck.Node {
    @Override
    public boolean isLeader() {
      return StemeNode.this.isLeader();
    }

    @Override
    public long appendCheckpoint() {
      LogEntry checkpoint = LogEntry.newBuilder().setMerkleCheckpoint(true).build();
      RaftClientReply reply = sendBlocking(Message.valueOf(UnsafeByteOperations.unsafeWrap(checkpoint.toByteArray())));
      if (!reply.isSuccess()) {
        throw translate(reply.getException(), "Merkle checkpoint");
      }
      return reply.getLogIndex();
    }

    @Override
    public String ownRoot(long index) {
      return stateMachine.checkpointRoot(index);
    }

    @Override
    public List<String> followers() {
      return status().peers().stream().map(NodeStatus.PeerStatus::id).filter(id -> !id.equals(id())).toList();
    }

    @Override
    public io.stemedb.raft.proto.CheckpointRootReply ask(String follower, Query query) throws Exception {
      RaftClientReply reply = client.io().sendStaleRead(
          Message.valueOf(UnsafeByteOperations.unsafeWrap(query.toByteArray())), 0, RaftPeerId.valueOf(follower));
      if (!reply.isSuccess()) {
        throw reply.getException();
      }
      return io.stemedb.raft.proto.CheckpointRootReply.parseFrom(reply.getMessage().getContent().asReadOnlyByteBuffer());
    }
  }

  /** This node's Prometheus metrics. */
  public NodeMetrics metrics() {
    return metrics;
  }

  // ----------------------------------------------------------------------------------------- reads

  /** A read's value and the applied index it reflects (the API's {@code X-Stemedb-Index}). */
  public record Read<T>(T value, long index) {}

  /**
   * Reads the local store once {@code consistency} is met and the store has applied {@code minIndex}.
   * The reader gets the store and the applied index to read at, so that everything it reads is
   * consistent at that one index.
   *
   * @param maxLagMs for {@link Consistency#STALE}: refuse when no leader was heard from for longer
   * @throws UnavailableException when the level cannot be met within the timeout
   * @throws TimeoutException when {@code minIndex} was not applied within {@code timeout}
   */
  public <T> Read<T> read(
      Consistency consistency, long minIndex, long maxLagMs, Duration timeout, BiFunction<Store, Long, T> reader)
      throws TimeoutException {
    division(); // a node whose Raft server stopped serves no read: its store may be closed with it
    switch (consistency) {
      case LINEARIZABLE, LEADER -> barrier(timeout);
      case STALE -> {
        long lag = leaderContactLagMs();
        if (lag > maxLagMs) {
          throw new UnavailableException(
              "this replica last heard from a leader " + (lag == Long.MAX_VALUE ? "never since it started" : lag + " ms ago")
                  + ", more than maxLagMs=" + maxLagMs + "; read from another node or with consistency=linearizable",
              null);
        }
      }
    }
    if (minIndex > 0) {
      try {
        if (!stateMachine.awaitApplied(minIndex, timeout)) {
          throw new TimeoutException("index " + minIndex + " not applied on " + id() + " within " + timeout.toMillis() + " ms");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TimeoutException("interrupted while waiting for index " + minIndex);
      }
    }
    Store store = stateMachine.store();
    long at = stateMachine.appliedIndex();
    return new Read<>(reader.apply(store, at), at);
  }

  /** Raft ReadIndex through this node: on return, it has applied every write committed before. */
  private void barrier(Duration timeout) {
    try {
      readBarriers.await().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw translate(e.getCause(), "linearizable read");
    } catch (TimeoutException e) {
      throw translate(e, "linearizable read");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted", e);
    }
  }

  /**
   * One read round, submitted to this node's Raft server directly (no client, no gRPC hop to
   * itself): a leader commits an empty entry, a follower asks the leader for its commit index
   * (ReadIndex); either way the reply comes once this node has applied up to it. Retried while there is
   * no leader, until the request timeout.
   */
  private CompletableFuture<Void> readIndexRound() {
    long deadline = System.nanoTime() + config.requestTimeout().toNanos();
    CompletableFuture<Void> done = new CompletableFuture<>();
    readIndexAttempt(deadline, done);
    return done;
  }

  private void readIndexAttempt(long deadline, CompletableFuture<Void> done) {
    // On the leader, the round commits an empty entry instead: Ratis's ReadIndex there skips its
    // heartbeat round whenever an earlier round already confirmed the current commit index, so a
    // deposed leader whose commit index had stopped (paused, cut off) answered reads from its old
    // state until it stepped down (leaderPausedPastTheElectionTimeoutThenResumed). A commit needs a
    // majority that still follows this node after the reads arrived; a deposed leader's attempt
    // fails as "not leader" and the next one goes to the new leader as a follower's ReadIndex.
    boolean leader = isLeaderQuietly();
    RaftClientRequest request = RaftClientRequest.newBuilder()
        .setClientId(readClientId)
        .setServerId(self)
        .setGroupId(group.getGroupId())
        .setCallId(readCallIds.incrementAndGet())
        .setMessage(leader ? LEADER_READ_ROUND : BARRIER_QUERY)
        .setType(leader ? RaftClientRequest.writeRequestType() : RaftClientRequest.readRequestType())
        .setTimeoutMs(config.requestTimeout().toMillis())
        .build();
    CompletableFuture<RaftClientReply> reply;
    try {
      reply = server.submitClientRequestAsync(request);
    } catch (IOException | RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    reply.whenComplete((r, error) -> {
      Throwable failure = error != null ? error : (r.isSuccess() ? null : r.getException());
      if (failure == null) {
        done.complete(null);
      } else if (System.nanoTime() + 50_000_000L < deadline) {
        // No leader yet, or leadership moving: ask again shortly, as the Raft client would.
        leaderProbe.schedule(() -> readIndexAttempt(deadline, done), 50, TimeUnit.MILLISECONDS);
      } else {
        done.completeExceptionally(failure instanceof TimeoutException ? failure : new TimeoutException(
            "no ReadIndex within " + config.requestTimeout().toMillis() + " ms: " + failure));
      }
    });
  }

  /**
   * Milliseconds since this node last heard from a leader (0 on a ready leader); {@code MAX_VALUE}
   * when it never has since it started. Kept by {@link #probeLeaderContact} every 100 ms because
   * Ratis resets a follower's own clock after each failed election round.
   */
  long leaderContactLagMs() {
    probeLeaderContact();
    long seen = lastLeaderContactNanos;
    return seen == 0 ? Long.MAX_VALUE : Math.max(0, (System.nanoTime() - seen) / 1_000_000);
  }

  /**
   * Every 100 ms: leader contact; every second: a due snapshot and whether to yield leadership to a
   * higher priority; every 5 s: the clock offset.
   */
  private void probe() {
    probeLeaderContact();
    if (probes % 10 == 0) {
      snapshotIfDue();
      try {
        priorityYield.check(division(), System.nanoTime());
      } catch (RuntimeException e) {
        // not running yet, or closing
      }
    }
    if (probes++ % 50 == 0) {
      probeClockOffset();
    }
  }

  /**
   * Ratis asks for a snapshot when enough entries were applied, but a snapshot names the store's last
   * timer commit, which may not have caught up yet; then nothing happens until more entries come, and
   * a quiet cluster would keep its log unpurged. So once the commit has caught up, ask again. Ratis
   * counts entries only; batches make entries large, so the bytes applied since the last snapshot
   * ask for one too.
   */
  private void snapshotIfDue() {
    try {
      SnapshotInfo latest = stateMachine.getLatestSnapshot();
      long last = latest == null ? 0 : latest.getIndex();
      long behind = stateMachine.store().committedIndex() - last;
      if (behind > 0 && (behind >= config.snapshotEveryEntries()
          || stateMachine.logBytesSinceSnapshot() >= config.snapshotEveryBytes())) {
        client.getSnapshotManagementApi(self).create(true, 3000);
      }
    } catch (IOException | RuntimeException e) {
      // not running yet, or closing; the next round tries again
    }
  }

  /** Hands leadership to {@code to}, which has a higher priority (see {@link PriorityYield}). */
  private void yieldLeadership(RaftPeerId to) {
    LOG.info("node {}: yielding leadership to {}, a voter of higher priority", id(), to);
    try {
      RaftClientReply reply = client.admin().transferLeadership(to, PRIORITY_TRANSFER_TIMEOUT_MS);
      if (!reply.isSuccess()) {
        LOG.info("node {}: leadership transfer to {} did not happen: {}", id(), to, reply.getException());
      }
    } catch (IOException | RuntimeException e) {
      LOG.info("node {}: leadership transfer to {} did not happen: {}", id(), to, e.toString());
    }
  }

  /**
   * Asks the leader for its clock over a stale read (no log entry) and takes this node's clock at the
   * round trip's midpoint as simultaneous: the error is at most half the round trip.
   */
  private void probeClockOffset() {
    try {
      RaftServer.Division d = division();
      if (d.getInfo().isLeader()) {
        metrics.clockOffsetSeconds.set(0);
        return;
      }
      RaftPeerId leader = d.getInfo().getLeaderId();
      if (leader == null) {
        return;
      }
      Message q = Message.valueOf(UnsafeByteOperations.unsafeWrap(
          Query.newBuilder().setClock(io.stemedb.raft.proto.ClockProbe.getDefaultInstance()).build().toByteArray()));
      long sent = System.currentTimeMillis();
      RaftClientReply reply = client.io().sendStaleRead(q, 0, leader);
      long received = System.currentTimeMillis();
      if (reply.isSuccess() && received - sent < 1000) {
        long leaderMillis = io.stemedb.raft.proto.ClockProbeReply.parseFrom(
            reply.getMessage().getContent().asReadOnlyByteBuffer()).getEpochMillis();
        metrics.clockOffsetSeconds.set(((sent + received) / 2.0 - leaderMillis) / 1000.0);
      }
    } catch (IOException | RuntimeException e) {
      // no leader reachable now: keep the last estimate; the next probe tries again
    }
  }

  private void probeLeaderContact() {
    try {
      RaftServer.Division d = division();
      RoleInfoProto role = d.getInfo().getRoleInfoProto();
      long now = System.nanoTime();
      if (role.getRole() == RaftPeerRole.LEADER) {
        if (d.getInfo().isLeaderReady()) {
          lastLeaderContactNanos = now;
        }
      } else if (d.getInfo().getLeaderId() != null && role.hasFollowerInfo()
          && role.getFollowerInfo().hasLeaderInfo()
          && !role.getFollowerInfo().getLeaderInfo().getId().getId().isEmpty()) {
        long heard = now - role.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs() * 1_000_000;
        if (heard > lastLeaderContactNanos) {
          lastLeaderContactNanos = heard;
        }
      }
    } catch (RuntimeException e) {
      // not running yet, or closing: nothing heard
    }
  }

  // ------------------------------------------------------------------------------- status & admin

  private RaftServer.Division division() {
    RaftServer.Division d;
    try {
      d = server.getDivision(group.getGroupId());
    } catch (IOException e) {
      throw new UnavailableException("the Raft group is not running on " + id(), e);
    }
    // After a failure Ratis cannot recover from (the log could not be written or synced), it closes
    // the division but keeps handing it out, and the closed division still reports the role it had:
    // a leader whose disk failed went on saying "primary" (status, stemedb_cluster_is_primary) next
    // to the real leader of a later term. A closed division is no member at all.
    if (!d.getInfo().isAlive()) {
      throw new UnavailableException("the Raft server on " + id() + " has stopped (see its log; restart the node)", null);
    }
    return d;
  }

  public NodeStatus status() {
    RaftServer.Division d = division();
    RoleInfoProto role = d.getInfo().getRoleInfoProto();
    long commit = d.getRaftLog().getLastCommittedIndex();
    List<Long> match = new ArrayList<>();
    List<Long> contact = new ArrayList<>();
    List<String> followerIds = new ArrayList<>();
    if (role.hasLeaderInfo()) {
      long[] indices = d.getInfo().getFollowerMatchIndices();
      var followers = role.getLeaderInfo().getFollowerInfoList();
      for (int i = 0; i < followers.size(); i++) {
        followerIds.add(followers.get(i).getId().getId().toStringUtf8());
        contact.add(followers.get(i).getLastRpcElapsedTimeMs());
        match.add(i < indices.length ? indices[i] : -1);
      }
    }
    List<NodeStatus.PeerStatus> peers = new ArrayList<>();
    var conf = d.getRaftConf();
    List<RaftPeer> members = new ArrayList<>(conf.getAllPeers(RaftPeerRole.FOLLOWER));
    var learners = conf.getAllPeers(RaftPeerRole.LISTENER);
    members.addAll(learners);
    for (RaftPeer p : members) {
      String pid = p.getId().toString();
      boolean listener = learners.contains(p);
      long m = -1;
      long c = -1;
      if (pid.equals(id())) {
        m = d.getRaftLog().getFlushIndex();
        c = 0;
      } else if (followerIds.contains(pid)) {
        int i = followerIds.indexOf(pid);
        m = match.get(i);
        c = contact.get(i);
      }
      peers.add(new NodeStatus.PeerStatus(pid, p.getAddress(), p.getPriority(), listener ? "learner" : "voter",
          m, m < 0 ? -1 : Math.max(0, commit - m), c));
    }
    var snapshot = stateMachine.getLatestSnapshot();
    // A learner (Ratis "listener") reports itself as a follower; the configuration knows better.
    boolean selfLearner = learners.stream().anyMatch(p -> p.getId().equals(self));
    return new NodeStatus(
        id(), selfLearner ? "learner" : roleName(role.getRole()), d.getInfo().getCurrentTerm(),
        d.getInfo().getLeaderId() == null ? null : d.getInfo().getLeaderId().toString(),
        commit, stateMachine.appliedIndex(), snapshot == null ? 0 : snapshot.getIndex(), peers);
  }

  private static String roleName(RaftPeerRole role) {
    return switch (role) {
      case LEADER -> "primary";
      case FOLLOWER -> "replica";
      case CANDIDATE -> "candidate";
      case LISTENER -> "learner";
      default -> role.name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  public boolean isLeader() {
    return division().getInfo().isLeader() && division().getInfo().isLeaderReady();
  }

  private boolean isLeaderQuietly() {
    try {
      return division().getInfo().isLeader();
    } catch (RuntimeException e) {
      return false; // not running yet, or closing: the attempt fails and is retried
    }
  }

  /** Hands leadership to {@code nodeId} (which must be a voting member), waiting up to the timeout. */
  public void transferLeadership(String nodeId, Duration timeout) {
    admin("transfer leadership", () -> client.admin().transferLeadership(RaftPeerId.valueOf(nodeId), timeout.toMillis()));
  }

  /** The leader steps down and an election follows (the seed's "demote"). */
  public void stepDown(Duration timeout) {
    RaftPeerId leader = division().getInfo().getLeaderId();
    if (leader == null) {
      throw new UnavailableException("no leader to step down", null);
    }
    admin("step down", () -> client.admin().transferLeadership(null, leader, timeout.toMillis()));
  }

  /** Replaces the voting members and learners (Raft joint consensus does the change safely). */
  public void setMembers(List<NodeConfig.Peer> voters, List<NodeConfig.Peer> learners) {
    admin("membership change", () -> client.admin().setConfiguration(
        SetConfigurationRequest.Arguments.newBuilder()
            .setServersInNewConf(peers(voters))
            .setListenersInNewConf(peers(learners))
            .build()));
  }

  /** The current voting members (with their priorities) as this node knows them. */
  public List<NodeConfig.Peer> voters() {
    List<NodeConfig.Peer> out = new ArrayList<>();
    for (RaftPeer p : division().getRaftConf().getCurrentPeers()) {
      out.add(new NodeConfig.Peer(p.getId().toString(), p.getAddress(), p.getPriority()));
    }
    return out;
  }

  /** Takes a snapshot on this node now; returns its index. */
  public long snapshot(Duration timeout) {
    // A snapshot names the store's last commit; wait for the timer's next one rather than commit here,
    // so that an operator's snapshot never adds a stall of its own to the writes.
    long applied = stateMachine.store().appliedIndex();
    try {
      if (!stateMachine.awaitCommitted(applied, timeout)) {
        throw new UnavailableException("the store did not commit index " + applied + " within " + timeout.toMillis() + " ms", null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted", e);
    }
    RaftClientReply reply = admin("snapshot", () ->
        client.getSnapshotManagementApi(self).create(true, timeout.toMillis()));
    return reply.getLogIndex();
  }

  private interface AdminCall {
    RaftClientReply call() throws IOException;
  }

  private RaftClientReply admin(String what, AdminCall call) {
    try {
      RaftClientReply reply = call.call();
      if (!reply.isSuccess()) {
        throw translate(reply.getException(), what);
      }
      return reply;
    } catch (IOException e) {
      throw translate(e, what);
    }
  }

  private RuntimeException translate(Throwable error, String what) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof InvalidProposalException || e instanceof UnavailableException) {
      return (RuntimeException) e;
    }
    if (e instanceof StateMachineException sme) {
      String m = String.valueOf(sme.getMessage());
      int at = m.indexOf("invalid proposal: ");
      if (at >= 0) {
        return new InvalidProposalException(m.substring(at + "invalid proposal: ".length()));
      }
    }
    String reason = e instanceof TimeoutException
        ? "no leader or quorum answered within " + config.requestTimeout().toMillis() + " ms"
        : e.getClass().getSimpleName() + ": " + e.getMessage();
    return new UnavailableException(what + " on " + id() + " failed: " + reason
        + (what.equals("write") ? "; the write may still commit, and retrying it is safe" : ""), e);
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (groupCommit != null) {
        groupCommit.close();
      }
      leaderProbe.shutdownNow();
      merkleChecks.shutdownNow();
      restoreRejoin.shutdownNow();
      clientCalls.shutdownNow();
      client.close();
    } finally {
      server.close();
      try {
        if (!stateMachine.awaitClosed(Duration.ofSeconds(30))) {
          LOG.warn("{}: the state machine did not close within 30 s; its store may be behind the Raft log, which "
              + "replays the rest at the next start", id());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
