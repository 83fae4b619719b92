package io.stemedb.storage;

import io.stemedb.lenses.Records;
import io.stemedb.model.AgentSetting;
import io.stemedb.model.Assertion;
import io.stemedb.model.EpochOpening;
import io.stemedb.model.Hashing;
import io.stemedb.model.Retraction;
import io.stemedb.model.StoredRecord;
import io.stemedb.model.Vote;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The replica's state: every record ever applied, the indexes reads need, the Merkle tree, and the
 * applied log index — in a log-structured store ({@link Lsm}): a memtable that {@link #apply} fills,
 * immutable sorted runs that {@link #commit} writes, and a manifest naming them.
 *
 * <p><b>Layout.</b> One key space; each key starts with its {@link Table}'s byte. {@code log} holds
 * every record's content under (index, seq) — the one copy of each record; every other table is an
 * index pointing into it:
 *
 * <pre>
 *   log          (index u64, seq u32)                          -> record content (RecordCodec)
 *   claims       id(32)                                        -> log key          (by id, dedupe)
 *   claimIndex   (subject, predicate, epoch u64, index u64, seq u32) -> ()        (resolve, history)
 *   retractions  id(32)                                        -> log key
 *   votes        (id(32), agent, index u64, seq u32)           -> log key
 *   agents       (agent, index u64, seq u32)                   -> log key          (authority as of N)
 *   epochs       (subject-or-*, index u64, seq u32)            -> ()               (epoch as of N)
 *   epochRequests (subject, request id)                        -> log key          (idempotent retries)
 * </pre>
 *
 * Every record carries its index, so a read "as of index N" is a range over these keys and needs no
 * separate history. No key is ever written twice and none is deleted (a duplicate claim, retraction or
 * epoch request is refused by {@link RequestPlan} before anything is written), so runs merge by union.
 * The Merkle pages and the applied index/term are not keys: they live in the manifest.
 *
 * <p><b>Atomicity.</b> {@link #commit()} writes everything applied so far as one run, fsyncs it, and
 * then atomically replaces the manifest, which names the runs together with the applied index and the
 * Merkle pages; it is only ever called between entries. After a crash the store therefore holds all of
 * each entry up to the last commit, with its index, and nothing of later ones: the Raft log, which is
 * the durable record, replays those.
 *
 * <p><b>Totality.</b> {@link #apply} never throws on any content: each request is planned first
 * against the state (duplicates, conflicts, missing claims, ownership), and a request with any
 * rejected change writes nothing. Only an I/O failure escapes, after which the store refuses further
 * writes until reopened (which goes back to the last commit).
 */
public final class Store implements AutoCloseable {
  private static final byte[] NOTHING = new byte[0];

  private final Path file;
  private final Lsm lsm;
  private final MerkleTree merkle;
  // The Merkle pages as of the last flush; pages are replaced, never changed in place, so a manifest
  // may share them.
  private final Map<Integer, byte[]> merklePages;
  private volatile Position applied;
  private volatile Position committed;
  private volatile boolean failed;
  private volatile long claims;

  private Store(Path file, Lsm lsm) {
    this.file = file;
    this.lsm = lsm;
    Manifest m = lsm.manifest();
    this.merklePages = new HashMap<>(m.merklePages());
    this.merkle = MerkleTree.load(merklePages);
    this.applied = new Position(m.appliedIndex(), m.appliedTerm());
    this.committed = applied;
    this.claims = lsm.count(Table.CLAIMS);
  }

  /**
   * Opens (or creates) the store whose manifest is {@code file}; its runs are files beside it named
   * {@code <file>.run-N} (+ {@code .meta}). No record is read: the manifest, each run's sidecar (bloom
   * filter, key range, counts) and its sorted table's page index.
   */
  public static Store open(Path file) {
    Lsm lsm = Lsm.open(file);
    try {
      return new Store(file, lsm);
    } catch (RuntimeException | Error e) {
      lsm.close();
      throw e;
    }
  }

  public Path file() {
    return file;
  }

  /**
   * The files of the last commit, pinned until closed: a copy of them is this store at {@link
   * #committedIndex} (what a follower behind the leader's purged log installs; see {@link
   * CheckpointInstall}).
   */
  public StoreCheckpoint checkpoint() throws java.io.IOException {
    return lsm.checkpoint();
  }

  /** Bytes the store's files (manifest and runs) take on disk. */
  public long sizeOnDisk() {
    return lsm.sizeOnDisk();
  }

  // ---------------------------------------------------------------------------------------- writes

  /**
   * Applies one log entry: its requests in order, each all-or-nothing, and then records {@code index}
   * and {@code term} as applied. An entry at or below the applied index was applied before (a replay
   * after restart) and is skipped.
   */
  public synchronized ApplyResult apply(long index, long term, List<List<Change>> requests) {
    if (failed || lsm.failed()) {
      throw new StoreFailedException("the store failed earlier and must be reopened: " + file);
    }
    if (index <= applied.index()) {
      return ApplyResult.ALREADY_APPLIED;
    }
    try {
      Entry entry = new Entry(index);
      List<List<Outcome>> outcomes = new ArrayList<>(requests.size());
      for (List<Change> request : requests) {
        outcomes.add(applyRequest(entry, request));
      }
      applied = new Position(index, term);
      return new ApplyResult(false, outcomes);
    } catch (RuntimeException | Error e) {
      failed = true;
      throw new StoreFailedException("applying index " + index + " failed; reopen the store", e);
    }
  }

  /** {@link #apply} for an entry holding a single request. */
  public ApplyResult apply(long index, long term, Change... request) {
    return apply(index, term, List.of(List.of(request)));
  }

  /**
   * Makes everything applied so far durable: returns once the new run and the manifest naming it (with
   * the applied index and the Merkle pages) are fsynced. Never called in the middle of an entry.
   */
  public synchronized void commit() {
    if (failed || lsm.failed()) {
      throw new StoreFailedException("the store failed earlier and must be reopened: " + file);
    }
    if (applied.equals(committed) && !lsm.dirty()) {
      return; // nothing since the last commit
    }
    merkle.flush(merklePages);
    try {
      lsm.commit(applied.index(), applied.term(), merklePages);
    } catch (RuntimeException | Error e) {
      failed = true;
      throw e;
    }
    committed = applied;
  }

  /** The position inside the log entry being applied. */
  private static final class Entry {
    final long index;
    int seq;

    Entry(long index) {
      this.index = index;
    }

    byte[] nextKey() {
      return logKey(index, seq++);
    }
  }

  private List<Outcome> applyRequest(Entry entry, List<Change> request) {
    RequestPlan plan = new RequestPlan(this, entry.index);
    List<Outcome> outcomes = new ArrayList<>(request.size());
    boolean rejected = false;
    for (Change change : request) {
      Outcome outcome = plan.plan(change);
      rejected |= outcome.status().rejected();
      outcomes.add(outcome);
    }
    if (rejected) {
      return outcomes.stream().map(o -> o.status().rejected() ? o : o.aborted()).toList();
    }
    for (StoredRecord record : plan.records()) {
      write(entry.nextKey(), record);
    }
    return outcomes;
  }

  /** The 12-byte position (index, seq) that the index tables point at; the log's key is it behind the table byte. */
  private static byte[] logKey(long index, int seq) {
    return Keys.key().u64(index).u32(seq).build();
  }

  /**
   * Writes one record: its content into the log, then its index entries (the log entry first, so a
   * concurrent reader that finds an index entry finds the record it points at).
   */
  private void write(byte[] logKey, StoredRecord record) {
    byte[] content = RecordCodec.encode(record);
    lsm.put(concat(Table.LOG.start(), logKey), content);
    if (record instanceof Assertion a) {
      lsm.put(Table.CLAIMS.key().id(a.id()).build(), logKey);
      lsm.put(concat(Table.CLAIM_INDEX.key().string(a.subject()).string(a.predicate()).u64(a.epoch()).build(), logKey),
          NOTHING);
      claims++;
    } else if (record instanceof Retraction r) {
      lsm.put(Table.RETRACTIONS.key().id(r.assertionId()).build(), logKey);
    } else if (record instanceof Vote v) {
      lsm.put(concat(Table.VOTES.key().id(v.assertionId()).string(v.agent()).build(), logKey), logKey);
    } else if (record instanceof AgentSetting s) {
      lsm.put(concat(Table.AGENTS.key().string(s.agent()).build(), logKey), logKey);
    } else if (record instanceof EpochOpening e) {
      lsm.put(concat(Table.EPOCHS.key().string(e.subject()).build(), logKey), NOTHING);
      if (e.requestId() != null) {
        lsm.put(Table.EPOCH_REQUESTS.key().string(e.subject()).string(e.requestId()).build(), logKey);
      }
    }
    merkle.add(merkleKey(record), content);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  // ----------------------------------------------------------------------------------------- reads
  // Reads need no lock: every record carries its index, so a read bounded by an applied index sees
  // exactly the state at that index even while a later entry is being applied.

  /** The log position of the last applied entry (index 0 when nothing was applied). */
  public record Position(long index, long term) {}

  /** The last applied entry's index and term, read together. */
  public Position applied() {
    return applied;
  }

  public long appliedIndex() {
    return applied.index();
  }

  public long appliedTerm() {
    return applied.term();
  }

  /** The applied index as of the last {@link #commit()}: what survives a crash right now. */
  public long committedIndex() {
    return committed.index();
  }

  /** The applied position as of the last {@link #commit()}: a durable point a snapshot can name. */
  public Position committed() {
    return committed;
  }

  /** How many claims the store holds (all epochs, retracted ones included); O(1). */
  public long claimCount() {
    return claims;
  }

  public Optional<Assertion> claim(String id) {
    if (!io.stemedb.model.AssertionId.isWellFormed(id)) {
      return Optional.empty();
    }
    byte[] logKey = lsm.get(Table.CLAIMS.key().id(id).build());
    return logKey == null ? Optional.empty() : Optional.of((Assertion) record(logKey));
  }

  public Optional<Retraction> retraction(String assertionId) {
    if (!io.stemedb.model.AssertionId.isWellFormed(assertionId)) {
      return Optional.empty();
    }
    byte[] logKey = lsm.get(Table.RETRACTIONS.key().id(assertionId).build());
    return logKey == null ? Optional.empty() : Optional.of((Retraction) record(logKey));
  }

  /** Every vote ever cast on a claim (all versions), in (agent, index) order. */
  public List<Vote> votes(String assertionId) {
    List<Vote> out = new ArrayList<>();
    if (!io.stemedb.model.AssertionId.isWellFormed(assertionId)) {
      return out;
    }
    try (Cursor c = lsm.prefix(Table.VOTES.key().id(assertionId).build())) {
      while (c.next()) {
        out.add((Vote) record(c.value()));
      }
    }
    return out;
  }

  /** The latest vote of {@code agent} on a claim, if any. */
  Optional<Vote> latestVote(String assertionId, String agent) {
    byte[] last = null;
    try (Cursor c = lsm.prefix(Table.VOTES.key().id(assertionId).string(agent).build())) {
      while (c.next()) {
        last = c.value();
      }
    }
    return last == null ? Optional.empty() : Optional.of((Vote) record(last));
  }

  /**
   * What the lenses read for (subject, predicate) in one epoch as of {@code asOfIndex}: the claims, the
   * retractions and votes on them, and the authority history of every agent that claimed or voted.
   */
  public Records records(String subject, String predicate, long epoch, long asOfIndex) {
    List<Assertion> found = new ArrayList<>();
    try (Cursor c = lsm.prefix(Table.CLAIM_INDEX.key().string(subject).string(predicate).u64(epoch).build())) {
      while (c.next()) {
        byte[] logKey = logKeyOf(c.key());
        if (Keys.longAt(logKey, 0) > asOfIndex) {
          break;
        }
        found.add((Assertion) record(logKey));
      }
    }
    List<Retraction> retracted = new ArrayList<>();
    List<Vote> cast = new ArrayList<>();
    Set<String> involved = new LinkedHashSet<>();
    for (Assertion a : found) {
      involved.add(a.agent());
      retraction(a.id()).filter(r -> r.index() <= asOfIndex).ifPresent(retracted::add);
      for (Vote v : votes(a.id())) {
        if (v.index() <= asOfIndex) {
          cast.add(v);
          involved.add(v.agent());
        }
      }
    }
    List<AgentSetting> settings = new ArrayList<>();
    for (String agent : involved) {
      settings.addAll(agentHistory(agent, asOfIndex));
    }
    return new Records(found, retracted, cast, settings);
  }

  /**
   * The epoch of {@code subject} as of {@code asOfIndex}: how many openings for it or for {@code *}
   * were applied at or before that index.
   */
  public long epoch(String subject, long asOfIndex) {
    return openings(subject, asOfIndex)
        + (subject.equals(EpochOpening.ALL_SUBJECTS) ? 0 : openings(EpochOpening.ALL_SUBJECTS, asOfIndex));
  }

  /** Openings of exactly {@code subject} (which may be {@code *}) at or before {@code asOfIndex}. */
  long openings(String subject, long asOfIndex) {
    byte[] prefix = Table.EPOCHS.key().string(subject).build();
    long n = 0;
    try (Cursor c = lsm.prefix(prefix)) {
      while (c.next() && Keys.longAt(c.key(), prefix.length) <= asOfIndex) {
        n++;
      }
    }
    return n;
  }

  /** The opening of an epoch for {@code subject} made with this idempotency key, if any. */
  Optional<EpochOpening> epochOpening(String subject, String requestId) {
    byte[] logKey = lsm.get(Table.EPOCH_REQUESTS.key().string(subject).string(requestId).build());
    return logKey == null ? Optional.empty() : Optional.of((EpochOpening) record(logKey));
  }

  /** The predicates that have claims on {@code subject} in {@code epoch} as of {@code asOfIndex}. */
  public List<String> predicates(String subject, long epoch, long asOfIndex) {
    List<String> out = new ArrayList<>();
    byte[] subjectPrefix = Table.CLAIM_INDEX.key().string(subject).build();
    byte[] subjectEnd = Lsm.end(subjectPrefix);
    byte[] cursor = firstKey(subjectPrefix, subjectEnd);
    while (cursor != null) {
      String predicate = Keys.stringAt(cursor, subjectPrefix.length);
      byte[] pePrefix = Table.CLAIM_INDEX.key().string(subject).string(predicate).u64(epoch).build();
      try (Cursor inEpoch = lsm.prefix(pePrefix)) {
        if (inEpoch.next() && Keys.longAt(inEpoch.key(), pePrefix.length) <= asOfIndex) {
          out.add(predicate);
        }
      }
      // Skip every key of this predicate: the next key after (subject, predicate, 0xff...) is the next
      // predicate's first, because the predicate's terminator 0x00 sorts below any character.
      byte[] past = Table.CLAIM_INDEX.key().string(subject).string(predicate).build();
      past[past.length - 1] = 1;
      cursor = firstKey(past, subjectEnd);
    }
    return out;
  }

  /** The first key in [from, to), or null. */
  private byte[] firstKey(byte[] from, byte[] to) {
    try (Cursor c = lsm.range(from, to)) {
      return c.next() ? c.key() : null;
    }
  }

  /** The agent's setting in force at {@code asOfIndex}, if it was ever configured by then. */
  public Optional<AgentSetting> agent(String agent, long asOfIndex) {
    List<AgentSetting> history = agentHistory(agent, asOfIndex);
    return history.isEmpty() ? Optional.empty() : Optional.of(history.get(history.size() - 1));
  }

  /** Every setting of {@code agent} at or before {@code asOfIndex}, oldest first. */
  public List<AgentSetting> agentHistory(String agent, long asOfIndex) {
    List<AgentSetting> out = new ArrayList<>();
    try (Cursor c = lsm.prefix(Table.AGENTS.key().string(agent).build())) {
      while (c.next()) {
        byte[] logKey = c.value();
        if (Keys.longAt(logKey, 0) > asOfIndex) {
          break;
        }
        out.add((AgentSetting) record(logKey));
      }
    }
    return out;
  }

  /** The current setting of every configured agent as of {@code asOfIndex}, by agent name. */
  public List<AgentSetting> agents(long asOfIndex) {
    Map<String, AgentSetting> latest = new LinkedHashMap<>();
    try (Cursor c = lsm.range(Table.AGENTS.start(), Table.AGENTS.end())) {
      while (c.next()) {
        byte[] logKey = c.value();
        if (Keys.longAt(logKey, 0) <= asOfIndex) {
          AgentSetting s = (AgentSetting) record(logKey);
          latest.put(s.agent(), s);
        }
      }
    }
    return List.copyOf(latest.values());
  }

  /**
   * Records applied after {@code afterIndex}, in log order: export and watch. About {@code limit} of
   * them — never a part of one log index, so a reader that continues after the last index it got
   * misses nothing (a single index larger than the limit comes whole).
   */
  public List<StoredRecord> recordsAfter(long afterIndex, int limit) {
    List<StoredRecord> out = new ArrayList<>(Math.min(limit, 1024));
    // after the last possible key of afterIndex: (afterIndex, 0xffffffff), exclusive
    byte[] after = Table.LOG.key().u64(afterIndex).u32(-1).build();
    try (Cursor c = lsm.range(after, Table.LOG.end())) {
      while (c.next()) {
        if (java.util.Arrays.equals(c.key(), after)) {
          continue;
        }
        long index = Keys.longAt(c.key(), 1);
        if (out.size() >= limit && index != out.get(out.size() - 1).index()) {
          break;
        }
        out.add(RecordCodec.decode(c.value(), index));
      }
    }
    return out;
  }

  /**
   * The claims on a subject (and predicate, when given) applied after {@code afterIndex}, in log
   * order, at most {@code limit}: the API's history. For one predicate the key order already is log
   * order (a subject's epochs only grow with the index); for a whole subject the predicates' runs are
   * merged.
   */
  public List<Assertion> history(String subject, String predicate, long afterIndex, int limit) {
    byte[] prefix =
        predicate == null
            ? Table.CLAIM_INDEX.key().string(subject).build()
            : Table.CLAIM_INDEX.key().string(subject).string(predicate).build();
    List<byte[]> logKeys = new ArrayList<>();
    try (Cursor c = lsm.prefix(prefix)) {
      while (c.next()) {
        byte[] logKey = logKeyOf(c.key());
        if (Keys.longAt(logKey, 0) > afterIndex) {
          logKeys.add(logKey);
        }
      }
    }
    if (predicate == null) {
      logKeys.sort(java.util.Arrays::compareUnsigned);
    }
    List<Assertion> out = new ArrayList<>(Math.min(limit, logKeys.size()));
    for (byte[] logKey : logKeys.subList(0, Math.min(limit, logKeys.size()))) {
      out.add((Assertion) record(logKey));
    }
    return out;
  }

  /** Every index key ends with the 12-byte log key (index, seq) of the record it points at. */
  private static byte[] logKeyOf(byte[] indexKey) {
    return java.util.Arrays.copyOfRange(indexKey, indexKey.length - 12, indexKey.length);
  }

  private StoredRecord record(byte[] logKey) {
    byte[] content = lsm.get(concat(Table.LOG.start(), logKey));
    if (content == null) {
      throw new CorruptStoreException("an index points at a missing record: " + Keys.longAt(logKey, 0));
    }
    return RecordCodec.decode(content, Keys.longAt(logKey, 0));
  }

  // ---------------------------------------------------------------------------- snapshot transfer

  /**
   * Up to {@code max} log records after position ({@code afterIndex}, {@code afterSeq}) and at or below
   * {@code upToIndex}, in log order. Bounded by an applied index, the chunks of one transfer form a
   * consistent copy of the state at that index even while later entries are being applied.
   */
  public List<LogRecord> logChunk(long afterIndex, int afterSeq, long upToIndex, int max) {
    List<LogRecord> out = new ArrayList<>(Math.min(max, 4096));
    byte[] after = Table.LOG.key().u64(afterIndex).u32(afterSeq).build();
    try (Cursor c = lsm.range(after, Table.LOG.end())) {
      while (c.next()) {
        byte[] key = c.key();
        if (java.util.Arrays.equals(key, after)) {
          continue;
        }
        long index = Keys.longAt(key, 1);
        if (index > upToIndex || out.size() >= max) {
          break;
        }
        out.add(new LogRecord(index, Keys.intAt(key, 9), c.value()));
      }
    }
    return out;
  }

  /**
   * Fills this store, which must be empty, with {@code records} at their original positions and marks
   * it applied at ({@code index}, {@code term}): the install side of a snapshot transfer or restore.
   * Commits as it goes (a run per {@value #RESTORE_RUN} records) so memory stays bounded; the applied
   * index is set only at the end, so a crash part-way leaves a store that says it applied nothing and is
   * simply refilled.
   */
  public synchronized void restore(Iterable<LogRecord> records, long index, long term) {
    if (applied.index() != 0 || lsm.count(Table.LOG) != 0) {
      throw new IllegalStateException("restore needs an empty store, " + file + " is not");
    }
    long n = 0;
    for (LogRecord r : records) {
      if (r.index() > index) {
        throw new IllegalArgumentException("record at " + r.index() + " is past the snapshot index " + index);
      }
      write(logKey(r.index(), r.seq()), RecordCodec.decode(r.content(), r.index()));
      if (++n % RESTORE_RUN == 0) {
        commitAt(committed);
      }
    }
    applied = new Position(index, term);
    commitAt(applied);
  }

  private static final int RESTORE_RUN = 200_000;

  /** A commit that records {@code position} as applied (restore fills without applying entries). */
  private void commitAt(Position position) {
    if (failed || lsm.failed()) {
      throw new StoreFailedException("the store failed earlier and must be reopened: " + file);
    }
    merkle.flush(merklePages);
    try {
      lsm.commit(position.index(), position.term(), merklePages);
    } catch (RuntimeException | Error e) {
      failed = true;
      throw e;
    }
    committed = position;
  }

  // ---------------------------------------------------------------------------------------- merkle

  /**
   * A consistent point of this store: the applied position and the Merkle root and record count
   * there, read together under the apply lock. Export and backup are bounded by its index, so what
   * they copy is exactly the state the root describes.
   */
  public record Point(long index, long term, String root, long records) {}

  public synchronized Point point() {
    return new Point(applied.index(), applied.term(), merkle.rootHex(), merkle.records());
  }

  /** The Merkle summary at the applied index (consistent: taken under the apply lock). */
  public synchronized MerkleSummary merkle() {
    return new MerkleSummary(
        applied.index(), merkle.rootHex(), merkle.records(), merkle.nonEmptyBuckets());
  }

  /**
   * Recomputes the tree from the records themselves, ignoring the stored bucket states: what an offline
   * verification compares with the incremental tree (and with a backup's manifest).
   */
  public MerkleTree recomputeMerkle() {
    return recomputeMerkle(n -> { });
  }

  /** {@link #recomputeMerkle()}, telling {@code progress} every 10,000 records how many it has read. */
  public MerkleTree recomputeMerkle(java.util.function.LongConsumer progress) {
    MerkleTree fresh = new MerkleTree();
    long n = 0;
    try (Cursor c = lsm.range(Table.LOG.start(), Table.LOG.end())) {
      while (c.next()) {
        StoredRecord r = RecordCodec.decode(c.value(), Keys.longAt(c.key(), 1));
        fresh.add(merkleKey(r), c.value());
        if (++n % 10_000 == 0) {
          progress.accept(n);
        }
      }
    }
    progress.accept(n);
    return fresh;
  }

  /**
   * The incremental tree as the store keeps it (what {@link #merkle()} reports, and what the manifest
   * holds at each commit), for comparison with a recomputed one.
   */
  public synchronized MerkleTree storedMerkle() {
    merkle.flush(merklePages);
    return MerkleTree.load(merklePages);
  }

  static byte[] merkleKey(StoredRecord r) {
    if (r instanceof Assertion a) {
      return Keys.id(a.id());
    } else if (r instanceof Retraction x) {
      return Keys.id(x.assertionId());
    } else if (r instanceof Vote v) {
      return Keys.id(v.assertionId());
    } else if (r instanceof AgentSetting s) {
      return Hashing.sha256("agent\0" + s.agent());
    } else {
      return Hashing.sha256("epoch\0" + ((EpochOpening) r).subject());
    }
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  /** Commits what was applied (unless the store failed), then closes its files. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (!failed && !lsm.failed()) {
        commit();
      }
    } finally {
      lsm.close();
    }
  }

  private boolean closed;

  /** How many sorted runs the store has in force (compaction keeps this O(log n)). */
  int runCount() {
    return lsm.runCount();
  }
}
