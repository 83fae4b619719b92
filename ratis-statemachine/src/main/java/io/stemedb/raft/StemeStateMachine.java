package io.stemedb.raft;

import io.stemedb.raft.proto.EntryReply;
import io.stemedb.raft.proto.LogEntry;
import io.stemedb.raft.proto.Query;
import io.stemedb.raft.proto.ReadBarrierReply;
import io.stemedb.raft.proto.RequestReply;
import io.stemedb.storage.ApplyResult;
import io.stemedb.storage.Change;
import io.stemedb.storage.Outcome;
import io.stemedb.storage.Store;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft state machine: every committed entry goes through {@link #applyTransaction} into the
 * {@link Store}, on every replica, in log order. It reads top to bottom as Ratis drives it:
 * initialize, validate on the leader, apply, snapshot, install.
 *
 * <p><b>Durability.</b> The Raft log is the durable record. The store commits on a timer and at every
 * snapshot, never per entry (an fsync and a checksum pass each, milliseconds). After a restart Ratis
 * replays from its latest snapshot, and entries the store already holds are skipped — counted in
 * {@link #entriesSkipped()} — so nothing is applied twice and the whole log is never replayed.
 *
 * <p><b>Snapshots.</b> A snapshot is the store itself, committed at the snapshot index: taking one is a
 * commit plus a small marker file, so writes pause only for that commit. A follower behind the
 * leader's purged log is told to install a snapshot (install-snapshot is in notify mode) and pulls
 * the leader's records in chunks bounded by one applied index of the leader, into a fresh store
 * generation that then replaces the old one (see {@link StateDirectory}).
 */
public final class StemeStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(StemeStateMachine.class);
  private static final SnapshotRetentionPolicy KEEP_TWO_MARKERS =
      new SnapshotRetentionPolicy() {
        @Override
        public int getNumSnapshotsRetained() {
          return 2;
        }
      };

  /**
   * How a follower reaches the leader for a snapshot copy: stale reads on a Raft client of its own,
   * opened per copy and closed after it. Its queries are pipelined (several in flight), which Ratis
   * offers only on its ordered async API — and that API's window closes for good after one failed
   * request, so it must never be the node's shared client.
   */
  interface LeaderLink extends AutoCloseable {
    CompletableFuture<ByteString> query(RaftPeerId leader, Message query);

    @Override
    void close();
  }

  private final SimpleStateMachineStorage snapshots = new SimpleStateMachineStorage();
  private final Clock clock;
  private final Duration commitInterval;
  private final AtomicLong entriesApplied = new AtomicLong();
  private final AtomicLong entriesSkipped = new AtomicLong();
  /** Bytes of the log entries applied, and their count when the latest snapshot was recorded. */
  private final AtomicLong appliedLogBytes = new AtomicLong();
  private volatile long appliedLogBytesAtSnapshot;
  private final Object appliedSignal = new Object();
  private volatile java.util.function.Supplier<LeaderLink> leaderLinks;
  private volatile Store store;
  private StateDirectory directory;
  private ScheduledExecutorService committer;
  /**
   * Held while the timer commits and while the store is swapped or closed: a commit must never run
   * on a store that an install has just closed (it would fail, and read as a failing disk).
   */
  private final Object storeSwap = new Object();
  private CheckpointLeases served;
  private final ExecutorService installer =
      Executors.newSingleThreadExecutor(daemon("stemedb-snapshot-install"));

  private final NodeMetrics metrics;
  private final MerkleCheckpoints checkpoints = new MerkleCheckpoints();
  /** Followers the leader replicates each entry to (for the bytes-sent metric). */
  private volatile int followers;

  private final java.nio.file.Path seedDirectory;
  private final DiskFailure onDiskFailure;
  /** The restore this start installed (the index it is at), or null. */
  private volatile Store.Position restoredAt;
  private volatile boolean copyingSnapshot;

  StemeStateMachine(Clock clock, Duration commitInterval, NodeMetrics metrics, java.nio.file.Path seedDirectory,
      DiskFailure onDiskFailure) {
    this.clock = clock;
    this.commitInterval = commitInterval;
    this.metrics = metrics;
    this.seedDirectory = seedDirectory;
    this.onDiskFailure = onDiskFailure;
  }

  /** The root this replica recorded at checkpoint {@code index}, or null (not applied, or forgotten). */
  String checkpointRoot(long index) {
    return checkpoints.root(index);
  }

  /** Where the restore that this start installed left the state, or null when there was none. */
  Store.Position restoredAt() {
    return restoredAt;
  }

  /** True while a snapshot is being copied from the leader. */
  boolean copyingSnapshot() {
    return copyingSnapshot;
  }

  void setFollowers(int count) {
    this.followers = count;
  }

  void setLeaderLinks(java.util.function.Supplier<LeaderLink> links) {
    this.leaderLinks = links;
  }

  // ------------------------------------------------------------------------------------ initialize

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    snapshots.init(raftStorage);
    served = new CheckpointLeases(getId().toString());
    directory = new StateDirectory(raftStorage.getStorageDir().getStateMachineDir().toPath().resolve("store"));
    installSeed(raftStorage);
    if (store == null) {
      openStore();
    }
    committer = Executors.newSingleThreadScheduledExecutor(daemon("stemedb-store-commit"));
    long every = Math.max(1, commitInterval.toMillis());
    committer.scheduleWithFixedDelay(this::commitQuietly, every, every, TimeUnit.MILLISECONDS);
    getLifeCycle().startAndTransition(() -> {});
  }

  /** Ratis pauses us right before it reloads from an installed snapshot (and checks that we did). */
  @Override
  public void pause() {
    if (getLifeCycleState() == LifeCycle.State.RUNNING) {
      getLifeCycle().transition(LifeCycle.State.PAUSING);
      getLifeCycle().transition(LifeCycle.State.PAUSED);
    }
  }

  /** After a snapshot install: switch to the installed store generation, then run again. */
  @Override
  public void reinitialize() throws IOException {
    synchronized (storeSwap) {
      Store old = store;
      if (old == null || !old.file().equals(directory.currentStore())) {
        if (old != null) {
          old.close();
        }
        openStore();
        directory.deleteStale();
      }
    }
    if (getLifeCycleState() == LifeCycle.State.PAUSED) {
      getLifeCycle().transition(LifeCycle.State.STARTING);
      getLifeCycle().transition(LifeCycle.State.RUNNING);
    }
  }

  /**
   * A store that {@code stemedb restore} left in the data directory becomes this replica's state and
   * its snapshot, before Ratis opens its log (it starts the log after the snapshot index). Refused when
   * this replica already applied beyond it: its log may be purged past the seed, so the gap could not
   * be filled — take a fresh backup. The seed is deleted only once the snapshot names it, so a crash
   * in between finishes the install at the next start.
   */
  private void installSeed(RaftStorage raftStorage) throws IOException {
    RestoreSeed seed = RestoreSeed.find(seedDirectory);
    if (seed == null) {
      return;
    }
    Store.Position current;
    try (Store s = Store.open(directory.currentStore())) {
      current = s.applied();
    }
    Store.Position wanted = new Store.Position(seed.index(), seed.term());
    if (seed.holdsStore()) {
      if (current.index() > seed.index()) {
        throw new IOException("the restore in " + seedDirectory + " is at index " + seed.index() + " but this node "
            + "already applied " + current.index() + "; take a newer backup, or delete " + seedDirectory
            + " to start without it");
      }
      java.nio.file.Path target = directory.newGeneration();
      seed.moveInto(target.getParent());
      try (Store restored = Store.open(target)) {
        if (!restored.applied().equals(wanted)) {
          throw new IOException("the restored store says " + restored.applied() + ", its seed file " + wanted
              + "; restore again");
        }
      }
      directory.promote(target);
      directory.deleteStale();
    } else if (!current.equals(wanted)) {
      throw new IOException(seedDirectory + " names " + wanted + " but holds no store, and the state in force is at "
          + current + "; restore again");
    }
    openStore();
    recordSnapshot(wanted);
    // A new cluster starts at term 0, but the log must never go back in term after the snapshot's:
    // move this replica to the seed's term (moving to a higher term, having voted for no one, is
    // always safe in Raft).
    var metadata = raftStorage.getMetadataFile();
    if (metadata.getMetadata().getTerm() < seed.term()) {
      metadata.persist(org.apache.ratis.server.storage.RaftStorageMetadata.valueOf(seed.term(), RaftPeerId.valueOf("")));
    }
    seed.delete();
    restoredAt = wanted;
    LOG.info("{}: installed the restored state at index {} (term {}) from {}", getId(), seed.index(), seed.term(),
        seedDirectory);
  }

  private void openStore() throws IOException {
    Store opened = Store.open(directory.currentStore());
    Store.Position p = opened.applied();
    if (p.index() > 0) {
      setLastAppliedTermIndex(TermIndex.valueOf(p.term(), p.index()));
    }
    store = opened;
    LOG.info("{}: state at applied index {} (term {}), Merkle root {}",
        getId(), p.index(), p.term(), opened.merkle().root());
  }

  /** The live store; replaced only by a snapshot install. */
  public Store store() {
    return store;
  }

  // --------------------------------------------------------------------------- leader validation

  /**
   * On the leader, before the entry is appended: fill what must be equal everywhere (observedAt from
   * this clock, canonical values, content ids) and reject what can never apply, so that it never
   * enters the log.
   */
  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    LogEntry completed;
    try {
      LogEntry proposal = LogEntry.parseFrom(request.getMessage().getContent().asReadOnlyByteBuffer());
      if (proposal.getRequestsCount() == 0 && !proposal.getMerkleCheckpoint() && !proposal.getReadBarrier()) {
        throw new IllegalArgumentException("the entry holds no request");
      }
      completed = Commands.completeOnLeader(proposal, clock.millis());
    } catch (IllegalArgumentException | com.google.protobuf.InvalidProtocolBufferException e) {
      throw new StateMachineException("invalid proposal: " + e.getMessage());
    }
    return TransactionContext.newBuilder()
        .setStateMachine(this)
        .setClientRequest(request)
        .setLogData(UnsafeByteOperations.unsafeWrap(completed.toByteArray()))
        .build();
  }

  // ----------------------------------------------------------------------------------------- apply

  /** Total: no entry makes it throw; only a failing disk does, and then the server stops. */
  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    try {
      return applyLogged(trx);
    } catch (io.stemedb.storage.StoreFailedException e) {
      storeFailed(e);
      throw e;
    } catch (InternalError e) {
      // A write to a memory-mapped store file that the disk cannot back (SIGBUS on a full disk)
      // surfaces as this error at the next safepoint, wherever the apply thread then is.
      storeFailed(e);
      throw e;
    }
  }

  private CompletableFuture<Message> applyLogged(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    TermIndex ti = TermIndex.valueOf(entry);
    Store s = store;
    if (ti.getIndex() <= s.appliedIndex()) {
      entriesSkipped.incrementAndGet();
      return CompletableFuture.completedFuture(Message.EMPTY);
    }
    Commands.Decoded decoded;
    boolean checkpoint = false;
    try {
      LogEntry logged = LogEntry.parseFrom(entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
      decoded = Commands.decodeEntry(logged);
      checkpoint = logged.getMerkleCheckpoint();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      LOG.error("{}: entry {} is not a StemeDB command; applying it as a no-op", getId(), ti, e);
      decoded = new Commands.Decoded(List.of(), List.of());
    }
    ApplyResult result = s.apply(ti.getIndex(), ti.getTerm(), decoded.requests());
    if (checkpoint) {
      checkpoints.record(ti.getIndex(), s.merkle());
    }
    updateLastAppliedTermIndex(ti);
    entriesApplied.incrementAndGet();
    appliedLogBytes.addAndGet(entry.getSerializedSize());
    count(trx, entry, decoded, result);
    synchronized (appliedSignal) {
      appliedSignal.notifyAll();
    }
    EntryReply.Builder reply = Commands.encodeReply(result).toBuilder();
    for (int i = 0; i < decoded.refusals().size(); i++) {
      if (decoded.refusals().get(i) != null) {
        reply.setRequests(i, RequestReply.newBuilder().addOutcomes(
            io.stemedb.raft.proto.Outcome.newBuilder()
                .setStatus(io.stemedb.raft.proto.Outcome.Status.INVALID)
                .setIndex(ti.getIndex())
                .setMessage(decoded.refusals().get(i))));
      }
    }
    return CompletableFuture.completedFuture(Message.valueOf(UnsafeByteOperations.unsafeWrap(reply.build().toByteArray())));
  }

  private void count(TransactionContext trx, LogEntryProto entry, Commands.Decoded decoded, ApplyResult result) {
    metrics.entriesApplied.inc();
    long created = 0;
    for (int r = 0; r < result.requests().size() && r < decoded.requests().size(); r++) {
      List<Change> changes = decoded.requests().get(r);
      List<io.stemedb.storage.Outcome> outcomes = result.requests().get(r);
      for (int c = 0; c < changes.size() && c < outcomes.size(); c++) {
        if (changes.get(c) instanceof Change.AddClaim && outcomes.get(c).status() == io.stemedb.storage.Outcome.Status.CREATED) {
          created++;
        }
      }
    }
    metrics.assertionsIndexed.inc(created);
    if (trx.getServerRole() == org.apache.ratis.proto.RaftProtos.RaftPeerRole.LEADER) {
      metrics.bytesSent("raft", (long) entry.getSerializedSize() * followers);
    }
  }

  @Override
  public void notifyConfigurationChanged(
      long term, long index, org.apache.ratis.proto.RaftProtos.RaftConfigurationProto conf) {
    followers = Math.max(0, conf.getPeersCount() + conf.getListenersCount() - 1);
  }

  @Override
  public void notifyLeaderChanged(org.apache.ratis.protocol.RaftGroupMemberId member, RaftPeerId newLeader) {
    metrics.leaderChanges.inc();
  }

  @Override
  public void notifyLogFailed(Throwable cause, LogEntryProto failedEntry) {
    metrics.walFsyncErrors.inc();
    LOG.error("{}: the Raft log could not be written or synced{}; this node stops serving. Check the disk "
        + "(dmesg, df, SMART), fix or replace it, then restart the node: it recovers from its log and the "
        + "others (docs/runbooks).", getId(), failedEntry == null ? "" : " at entry " + TermIndex.valueOf(failedEntry), cause);
    onDiskFailure.failed("the Raft log could not be written or synced", cause);
  }

  /**
   * The store could not apply an entry — on a full disk its memory-mapped files fail before the Raft
   * log does (the log's segments are preallocated), so without this a full disk stopped the node
   * with stemedb_wal_fsync_errors_total still 0 and no disk alert. Counted once: every later apply
   * fails with "failed earlier". Ratis then stops this node's Raft server (fail-stop).
   */
  private final java.util.concurrent.atomic.AtomicBoolean storeFailureCounted = new java.util.concurrent.atomic.AtomicBoolean();

  private void storeFailed(Throwable e) {
    if (storeFailureCounted.compareAndSet(false, true)) {
      metrics.walFsyncErrors.inc();
      LOG.error("{}: the store could not be written or synced; this node stops serving. Check the disk (df, dmesg), free "
          + "or fix it, then restart the node: it recovers from its log and the others (docs/runbooks).", getId(), e);
      onDiskFailure.failed("the store could not be written or synced", e);
    }
  }

  /** Config and metadata entries: replays of ones the store already covers must not move us back. */
  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    TermIndex last = getLastAppliedTermIndex();
    if (last == null || index > last.getIndex()) {
      updateLastAppliedTermIndex(term, index);
    }
    synchronized (appliedSignal) {
      appliedSignal.notifyAll();
    }
  }

  /**
   * The Raft log index applied on this node: the store's, or later when Raft's own entries
   * (configuration, commit metadata) followed it. Reads report it, and {@code minIndex} waits for it.
   */
  public long appliedIndex() {
    TermIndex last = getLastAppliedTermIndex();
    return Math.max(store.appliedIndex(), last == null ? 0 : last.getIndex());
  }

  /** Blocks until this node has applied {@code index} or the timeout passes; true when it has. */
  boolean awaitApplied(long index, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (appliedSignal) {
      while (appliedIndex() < index) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(appliedSignal, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
      }
      return true;
    }
  }

  /** Blocks until the store's last commit covers {@code index} (the timer commits every second). */
  boolean awaitCommitted(long index, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (store.committedIndex() < index) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  /** Entries applied to the store by this process. */
  public long entriesApplied() {
    return entriesApplied.get();
  }

  /** Entries Ratis replayed that the store already held (after a restart): never applied twice. */
  public long entriesSkipped() {
    return entriesSkipped.get();
  }

  private void commitQuietly() {
    served.expireIdle();
    try {
      synchronized (storeSwap) {
        Store s = store;
        if (s.appliedIndex() > s.committedIndex() && !s.isClosed()) {
          try (io.prometheus.client.Histogram.Timer t = metrics.storeCommitSeconds.startTimer()) {
            s.commit();
          }
        }
      }
    } catch (RuntimeException e) {
      // The store now refuses writes (StoreFailedException), so the next apply stops this node's Raft
      // server; counting it here raises the disk alert at the failed commit, not at the next write.
      storeFailed(e);
    }
  }

  // ----------------------------------------------------------------------------------------- reads

  @Override
  public CompletableFuture<Message> query(Message request) {
    try {
      Query q = Query.parseFrom(request.getContent().asReadOnlyByteBuffer());
      Store s = store;
      byte[] reply;
      switch (q.getKindCase()) {
        case BARRIER -> reply = ReadBarrierReply.newBuilder().setAppliedIndex(s.appliedIndex()).build().toByteArray();
        case SNAPSHOT_FILES -> {
          if (q.getSnapshotFiles().getRelease() != 0) {
            served.release(q.getSnapshotFiles().getRelease());
            reply = new byte[0];
          } else {
            reply = served.pin(s).toByteArray();
          }
        }
        case SNAPSHOT_FILE_CHUNK -> reply = served.read(q.getSnapshotFileChunk()).toByteArray();
        case CLOCK -> reply = io.stemedb.raft.proto.ClockProbeReply.newBuilder().setEpochMillis(clock.millis()).build().toByteArray();
        case CHECKPOINT_ROOT -> {
          io.stemedb.storage.MerkleSummary at = checkpoints.at(q.getCheckpointRoot().getIndex());
          var r = io.stemedb.raft.proto.CheckpointRootReply.newBuilder().setKnown(at != null)
              .setRoot(at == null ? "" : at.root()).setAppliedIndex(appliedIndex());
          if (at != null && q.getCheckpointRoot().getWithBuckets()) {
            at.buckets().forEach((prefix, hash) -> r.addBuckets(prefix + ":" + hash));
          }
          reply = r.build().toByteArray();
        }
        default -> throw new IllegalArgumentException("empty query");
      }
      return CompletableFuture.completedFuture(Message.valueOf(UnsafeByteOperations.unsafeWrap(reply)));
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(new StateMachineException("bad query: " + e.getMessage()));
    }
  }

  // ------------------------------------------------------------------------------------- snapshots

  /**
   * Names the store's last committed position as the snapshot: it is already on disk, which is all
   * Ratis needs before it purges the log up to it. No commit and no copy happen here, on the apply
   * thread — writes pause only for the timer's commits. {@link StemeNode#snapshot} waits for the commit
   * that covers the current index, so an operator's snapshot names it.
   */
  @Override
  public long takeSnapshot() throws IOException {
    Store s = store;
    Store.Position p = s.committed();
    SnapshotInfo latest = getLatestSnapshot();
    long latestIndex = latest == null ? RaftLog.INVALID_LOG_INDEX : latest.getIndex();
    long ratisApplied = getServer().join().getDivision(getGroupId()).getInfo().getLastAppliedIndex();
    // Nothing new since the last snapshot, or (right after a restart) the store is ahead of Ratis's
    // replay: keep the last snapshot.
    if (p.index() <= 0 || p.index() <= latestIndex || p.index() > ratisApplied) {
      return latestIndex;
    }
    recordSnapshot(p);
    return p.index();
  }

  private void recordSnapshot(Store.Position p) throws IOException {
    File marker = snapshots.getSnapshotFile(p.term(), p.index());
    Files.writeString(marker.toPath(),
        "stemedb-snapshot\nindex=" + p.index() + "\nterm=" + p.term() + "\n", StandardCharsets.UTF_8);
    var md5 = MD5FileUtil.computeAndSaveMd5ForFile(marker);
    snapshots.updateLatestSnapshot(
        new SingleFileSnapshotInfo(new FileInfo(marker.toPath(), md5), TermIndex.valueOf(p.term(), p.index())));
    snapshots.cleanupOldSnapshots(KEEP_TWO_MARKERS);
    appliedLogBytesAtSnapshot = appliedLogBytes.get();
    metrics.snapshotIndex.set(p.index());
    metrics.snapshotSizeBytes.set(store.sizeOnDisk());
  }

  /** Bytes of log entries applied since the latest snapshot (the log that a snapshot would let go). */
  long logBytesSinceSnapshot() {
    return appliedLogBytes.get() - appliedLogBytesAtSnapshot;
  }

  @Override
  public SnapshotInfo getLatestSnapshot() {
    return snapshots.getLatestSnapshot();
  }

  @Override
  public SimpleStateMachineStorage getStateMachineStorage() {
    return snapshots;
  }

  /**
   * The leader purged the entries this follower needs: pull the leader's state at one of its applied
   * indexes into a new store generation, then let Ratis reload us from it.
   */
  @Override
  public CompletableFuture<TermIndex> notifyInstallSnapshotFromLeader(
      RoleInfoProto roleInfo, TermIndex firstTermIndexInLog) {
    RaftPeerId leader = RaftPeerId.valueOf(roleInfo.getFollowerInfo().getLeaderInfo().getId().getId());
    LOG.info("{}: behind the leader's log (it starts at {}); installing a snapshot from {}",
        getId(), firstTermIndexInLog, leader);
    copyingSnapshot = true;
    return CompletableFuture.supplyAsync(() -> installFrom(leader), installer)
        .whenComplete((installed, error) -> copyingSnapshot = false);
  }

  private TermIndex installFrom(RaftPeerId leader) {
    java.util.function.Supplier<LeaderLink> links = leaderLinks;
    if (links == null) {
      throw new IllegalStateException("no link to the leader yet");
    }
    try {
      java.nio.file.Path target = directory.newGeneration();
      long started = System.nanoTime();
      SnapshotCopy.Copied copied;
      try (LeaderLink link = links.get()) {
        copied = SnapshotCopy.copy(link, leader, target, getId().toString());
      }
      Store.Position p;
      String root;
      long records;
      try (Store fresh = Store.open(target)) { // checks that the manifest names every run copied
        p = fresh.applied();
        root = fresh.merkle().root();
        records = fresh.merkle().records();
      }
      if (p.index() != copied.index()) {
        throw new IOException("the copied store is at index " + p.index() + ", the leader named " + copied.index());
      }
      directory.promote(target);
      recordSnapshot(p);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      metrics.snapshotInstallSeconds.observe(ms / 1e3);
      LOG.info("{}: installed snapshot at index {} (term {}) from {}: {} files, {} MiB, {} records in {} ms, "
              + "Merkle root {}; the log after it follows",
          getId(), p.index(), p.term(), leader, copied.files(), copied.bytes() >> 20, records, ms, root);
      return TermIndex.valueOf(p.term(), p.index());
    } catch (IOException | RuntimeException e) {
      // Ratis asks again at once; a second's pause keeps a persistent cause (a full disk, a leader
      // that cannot read its files) from turning into a busy loop of copies.
      LOG.warn("{}: snapshot install from {} failed: {}; trying again. If it keeps failing, check this node's "
          + "free disk (the copy needs the store's size) and both nodes' logs", getId(), leader, e.toString());
      try {
        Thread.sleep(1000);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      throw e instanceof IOException io ? new java.io.UncheckedIOException("snapshot install from " + leader + " failed", io)
          : (RuntimeException) e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      super.close();
      if (committer != null) {
        committer.shutdownNow();
      }
      installer.shutdownNow();
      if (served != null) {
        served.close();
      }
      synchronized (storeSwap) {
        Store s = store;
        if (s != null) {
          s.close(); // commits what was applied since the timer's last commit
        }
      }
    } finally {
      closed.countDown();
    }
  }

  /**
   * Waits until {@link #close} has run. Ratis closes the state machine on its apply thread, after its
   * server's close returns: a process that exits without waiting leaves the store's last commit to
   * chance (no acknowledged write is lost — the Raft log replays it — but the store on disk is behind).
   */
  boolean awaitClosed(Duration timeout) throws InterruptedException {
    if (directory == null) {
      return true; // never initialized (the group did not start), so never closed by Ratis either
    }
    return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

  static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
