package io.stemedb.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key-value engine under {@link Store}: a log-structured merge of one memtable and immutable sorted
 * runs (MapDB sorted tables, {@link Run}), named by a {@link Manifest}. Files: the manifest at the path
 * given ({@code state.db}), runs beside it ({@code state.db.run-N} and its sidecar {@code .meta}), and
 * {@code state.db.lock}, which one process holds while the store is open.
 *
 * <p>Writes go to the memtable (one writer: the apply thread). {@link #commit} writes the memtable as a
 * run, fsyncs it, then replaces the manifest atomically; only then is the commit done. Reads take the
 * current {@link View} without a lock and see memtable ∪ runs; a point read asks each run's bloom filter
 * first, a prefix read asks it about the prefix. A compaction merges runs in the background and swaps
 * the result in with the same manifest step.
 */
final class Lsm implements AutoCloseable {
  static final Logger LOG = LoggerFactory.getLogger(Lsm.class);
  private static final byte[] ALL_FROM = {0};
  private static final byte[] ALL_TO = {(byte) 0xff};

  private final Path file;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Object swap = new Object(); // guards manifest, view publication and nextRun
  private Manifest manifest;
  private long nextRun;
  // Runs spilled from a full memtable since the last commit: readable, fsynced, but named by no
  // manifest yet, so a crash drops them (they hold uncommitted entries) and compaction leaves them be.
  private final List<Run> pending = new ArrayList<>();
  private long unspilled; // apply thread only

  /**
   * Memtable entries after which apply spills it into a pending run. Bounds the memtable: a skip list of
   * millions of random keys costs ~2x per put (cache misses) against one of a few hundred thousand.
   * Mutable for tests only.
   */
  static int spillEntries = 300_000;
  private volatile View view;
  private volatile boolean failed;
  private final Compactor compactor;
  private volatile boolean closed;

  private Lsm(Path file, FileChannel lockChannel, FileLock lock, Manifest manifest, List<Run> runs) {
    this.file = file;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.manifest = manifest;
    this.nextRun = manifest.nextRun();
    this.view = new View(new Memtable(), runs);
    this.compactor = new Compactor(this, file.toString());
  }

  /**
   * Opens the store whose manifest is {@code file}, creating an empty one if there is none. Reads the
   * manifest and each run's index and bloom filter, never the data; deletes run files that no manifest
   * names (a commit or compaction that did not finish).
   */
  static Lsm open(Path file) {
    file = file.toAbsolutePath();
    FileChannel lockChannel = null;
    List<Run> runs = new ArrayList<>();
    try {
      Files.createDirectories(file.getParent());
      lockChannel = FileChannel.open(file.resolveSibling(file.getFileName() + ".lock"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new IllegalStateException(file + " is open elsewhere (another process, or this one)");
      }
      Manifest manifest;
      if (Files.exists(file)) {
        manifest = Manifest.read(file);
      } else {
        manifest = Manifest.empty();
        manifest.write(file);
      }
      deleteOrphans(file, new HashSet<>(manifest.runs()));
      for (long n : manifest.runs()) {
        Path p = Manifest.runPath(file, n);
        if (!Files.exists(p)) {
          throw new CorruptStoreException(file + " names run " + p.getFileName() + ", which is missing");
        }
        runs.add(Run.open(p, n));
      }
      Lsm lsm = new Lsm(file, lockChannel, lock, manifest, runs);
      lsm.compactor.start();
      lsm.compactor.wake(); // a previous process may have stopped before merging
      return lsm;
    } catch (IOException | RuntimeException e) {
      for (Run r : runs) {
        r.retain();
        r.release();
      }
      if (lockChannel != null) {
        try {
          lockChannel.close();
        } catch (IOException ignored) {
          // closing also releases the lock; nothing else to undo
        }
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot open the store " + file, io);
      }
      throw (RuntimeException) e;
    }
  }

  private static void deleteOrphans(Path file, Set<Long> live) throws IOException {
    String runPrefix = file.getFileName() + ".run-";
    try (Stream<Path> siblings = Files.list(file.getParent())) {
      for (Path p : (Iterable<Path>) siblings::iterator) {
        String name = p.getFileName().toString();
        if (name.equals(file.getFileName() + ".tmp")) {
          Files.deleteIfExists(p);
        } else if (name.startsWith(runPrefix)) {
          String digits = name.substring(runPrefix.length());
          if (digits.endsWith(".meta")) {
            digits = digits.substring(0, digits.length() - ".meta".length()); // a run's sidecar goes with it
          }
          long n;
          try {
            n = Long.parseLong(digits);
          } catch (NumberFormatException e) {
            continue; // not ours
          }
          if (!live.contains(n)) {
            LOG.info("deleting {}: no manifest names it (a commit or compaction that did not finish)", p);
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }

  Path file() {
    return file;
  }

  /** The manifest in force: the state as of the last commit. */
  Manifest manifest() {
    synchronized (swap) {
      return manifest;
    }
  }

  boolean failed() {
    return failed;
  }

  // ---------------------------------------------------------------------------------------- writes

  /** Adds a key (apply thread only). Keys are never written twice. */
  void put(byte[] key, byte[] value) {
    view.memtable.put(key, value);
    if (++unspilled >= spillEntries) {
      spill();
    }
  }

  /** Writes the memtable as a pending run (not committed: no manifest names it) and starts a new one. */
  private void spill() {
    synchronized (swap) {
      if (failed || closed) {
        throw new StoreFailedException("the store failed earlier or is closed; reopen it: " + file);
      }
      View current = view;
      try {
        Run run = writeRun(nextRun++, current.memtable);
        pending.add(run);
        List<Run> runs = new ArrayList<>();
        runs.add(run);
        runs.addAll(current.runs);
        publish(new View(new Memtable(), runs));
        unspilled = 0;
      } catch (IOException | RuntimeException e) {
        failed = true;
        throw new StoreFailedException("spilling the memtable of " + file + " failed; reopen the store", e);
      }
    }
  }

  /** Whether anything was put since the last commit. */
  boolean dirty() {
    synchronized (swap) {
      return !view.memtable.isEmpty() || !pending.isEmpty();
    }
  }

  /**
   * Makes everything put so far durable together with {@code index}, {@code term} and the Merkle pages:
   * the memtable becomes a run (written, fsynced), then the manifest naming it is replaced atomically.
   * Returns only once both are on disk. Any failure leaves the manifest as it was (or, if the failure
   * came after its rename, as the new one — both are whole) and marks the engine failed.
   */
  void commit(long index, long term, Map<Integer, byte[]> merklePages) {
    synchronized (swap) {
      if (failed || closed) {
        throw new StoreFailedException("the store failed earlier or is closed; reopen it: " + file);
      }
      View current = view;
      Run fresh = null;
      try {
        List<Run> runs = new ArrayList<>(current.runs.size() + 1);
        long next = nextRun;
        if (!current.memtable.isEmpty()) {
          long number = next++;
          fresh = writeRun(number, current.memtable);
          runs.add(fresh);
        }
        if (fresh != null || !pending.isEmpty()) {
          Manifest.syncDirectory(file.getParent()); // the runs' names are durable before a manifest names them
        }
        runs.addAll(current.runs);
        Manifest m = new Manifest(index, term, next, numbers(runs), merklePages);
        m.write(file);
        manifest = m;
        nextRun = next;
        pending.clear();
        unspilled = 0;
        publish(new View(new Memtable(), runs));
      } catch (IOException | RuntimeException | Error e) {
        failed = true;
        if (fresh != null) {
          // Closed, not deleted: if the manifest rename happened it names this run. An unnamed run
          // is deleted at the next open.
          fresh.retain();
          fresh.release();
        }
        throw new StoreFailedException("commit of " + file + " failed; reopen the store", e);
      }
    }
    compactor.wake();
  }

  private Run writeRun(long number, Memtable memtable) throws IOException {
    try (RunWriter w = new RunWriter(Manifest.runPath(file, number), number)) {
      for (var e : memtable.entries()) {
        w.add(e.getKey(), e.getValue());
      }
      return w.finish();
    }
  }

  private static List<Long> numbers(List<Run> runs) {
    return runs.stream().map(Run::number).toList();
  }

  private void publish(View next) {
    View old = view;
    view = next;
    old.release();
  }

  // ----------------------------------------------------------------------------------- compaction

  /** One merge if a tier is full: true when it merged (the caller looks again). */
  boolean compactOnce() {
    List<Run> inputs;
    long number;
    synchronized (swap) {
      if (failed || closed) {
        return false;
      }
      List<Run> committedRuns = new ArrayList<>(view.runs);
      committedRuns.removeAll(pending);
      inputs = Compactor.pick(committedRuns, Run::entries);
      if (inputs.isEmpty()) {
        return false;
      }
      number = nextRun++;
      for (Run r : inputs) {
        r.retain(); // kept open for the merge even if the store closes meanwhile
      }
    }
    Run merged = null;
    try {
      try (RunWriter w = new RunWriter(Manifest.runPath(file, number), number)) {
        List<Cursor> sources = new ArrayList<>();
        for (Run r : inputs) {
          sources.add(r.cursor(ALL_FROM, ALL_TO));
        }
        try (MergedCursor c = new MergedCursor(sources, () -> { })) {
          long n = 0;
          while (c.next()) {
            w.add(c.key(), c.value());
            if ((++n & 0xfff) == 0 && compactor.stopping()) {
              return false; // the writer deletes its file
            }
          }
        }
        merged = w.finish();
      }
      Manifest.syncDirectory(file.getParent());
      return swapIn(inputs, merged);
    } catch (IOException e) {
      throw new UncheckedIOException("compaction into run " + number + " of " + file + " failed", e);
    } finally {
      for (Run r : inputs) {
        r.release();
      }
    }
  }

  private boolean swapIn(List<Run> inputs, Run merged) throws IOException {
    synchronized (swap) {
      if (failed || closed) {
        merged.obsolete();
        merged.retain();
        merged.release();
        return false;
      }
      View current = view;
      List<Run> runs = new ArrayList<>();
      runs.add(merged);
      for (Run r : current.runs) {
        if (!inputs.contains(r)) {
          runs.add(r);
        }
      }
      List<Run> named = new ArrayList<>(runs);
      named.removeAll(pending); // the manifest keeps naming only committed runs
      Manifest m = manifest.withRuns(numbers(named), nextRun);
      try {
        m.write(file);
      } catch (IOException | RuntimeException e) {
        // The rename may or may not have happened; either manifest is whole, and no file is deleted,
        // but the view no longer matches the manifest for sure: stop writing until reopened.
        failed = true;
        throw e;
      }
      manifest = m;
      for (Run r : inputs) {
        r.obsolete(); // deleted once no view holds it
      }
      publish(new View(current.memtable, runs));
      LOG.debug("compacted {} runs into {} ({} entries)", inputs.size(), merged.path().getFileName(), merged.entries());
      return true;
    }
  }

  // ----------------------------------------------------------------------------------- checkpoints

  /** The files of the last commit, pinned until the checkpoint is closed. */
  StoreCheckpoint checkpoint() throws IOException {
    synchronized (swap) {
      if (failed || closed) {
        throw new StoreFailedException("the store failed earlier or is closed; reopen it: " + file);
      }
      Manifest m = manifest;
      List<Run> named = new ArrayList<>();
      for (long n : m.runs()) {
        // The manifest names only runs of the current view (a commit or a merge publishes both together).
        Run r = view.runs.stream().filter(x -> x.number() == n).findFirst()
            .orElseThrow(() -> new IllegalStateException("run " + n + " of " + file + " is named but not open"));
        r.retain();
        named.add(r);
      }
      try {
        return new StoreCheckpoint(m, named);
      } catch (IOException | RuntimeException e) {
        named.forEach(Run::release);
        throw e;
      }
    }
  }

  // ----------------------------------------------------------------------------------------- reads

  private View acquire() {
    while (true) {
      View v = view;
      if (v.tryRetain()) {
        return v;
      }
      if (closed && v == view) {
        throw new IllegalStateException("the store " + file + " is closed");
      }
    }
  }

  /** The value of {@code key}, or null. */
  byte[] get(byte[] key) {
    View v = acquire();
    try {
      byte[] found = v.memtable.get(key);
      if (found != null) {
        return found;
      }
      long hash = Bloom.hash(key);
      for (Run r : v.runs) {
        found = r.get(key, hash);
        if (found != null) {
          return found;
        }
      }
      return null;
    } finally {
      v.release();
    }
  }

  /**
   * Every entry whose key starts with {@code prefix}, in key order. The prefix must be one of its
   * table's bloom prefixes ({@link Table#bloomPrefixes}): runs whose filter rules it out are skipped.
   */
  Cursor prefix(byte[] prefix) {
    return range(prefix, end(prefix), Bloom.hash(prefix), true);
  }

  /** Every entry with a key in [from, to) — both in one table — in key order. */
  Cursor range(byte[] from, byte[] to) {
    return range(from, to, 0, false);
  }

  private Cursor range(byte[] from, byte[] to, long hash, boolean useBloom) {
    Table table = Table.of(from);
    View v = acquire();
    try {
      List<Cursor> sources = new ArrayList<>(v.runs.size() + 1);
      if (v.memtable.count(table) > 0) {
        sources.add(v.memtable.cursor(table, from, to));
      }
      for (Run r : v.runs) {
        if (r.count(table) > 0 && r.overlaps(from, to) && (!useBloom || r.mayHavePrefix(hash))) {
          sources.add(r.cursor(from, to));
        }
      }
      if (sources.isEmpty()) {
        v.release();
        return Cursor.EMPTY;
      }
      return new MergedCursor(sources, v::release);
    } catch (RuntimeException | Error e) {
      v.release();
      throw e;
    }
  }

  /** How many keys {@code table} holds (memtable and runs together, read from one view). */
  long count(Table table) {
    View v = acquire();
    try {
      long n = v.memtable.count(table);
      for (Run r : v.runs) {
        n += r.count(table);
      }
      return n;
    } finally {
      v.release();
    }
  }

  /** How many runs are in force (tests and metrics). */
  int runCount() {
    return view.runs.size();
  }

  /** Bytes of the manifest and the runs in force. */
  long sizeOnDisk() {
    View v = acquire();
    try {
      long n = 0;
      try {
        n += Files.size(file);
      } catch (IOException e) {
        // counted as 0, as a store that cannot be read is
      }
      for (Run r : v.runs) {
        n += r.sizeOnDisk();
      }
      return n;
    } finally {
      v.release();
    }
  }

  /** The first key after every key that starts with {@code prefix}. */
  static byte[] end(byte[] prefix) {
    byte[] e = Arrays.copyOf(prefix, prefix.length);
    for (int i = e.length - 1; i >= 0; i--) {
      if (e[i] != (byte) 0xff) {
        e[i]++;
        return Arrays.copyOf(e, i + 1);
      }
    }
    return ALL_TO;
  }

  /** Stops compaction and closes the files; the caller commits first if it wants to keep its writes. */
  @Override
  public void close() {
    compactor.stop();
    synchronized (swap) {
      if (closed) {
        return;
      }
      closed = true;
      view.release(); // readers still holding it finish first; the last one closes the runs
    }
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      LOG.warn("closing the lock file of {} failed", file, e);
    }
  }
}
