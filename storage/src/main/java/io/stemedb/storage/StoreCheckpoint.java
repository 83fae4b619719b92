package io.stemedb.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The files of a store's last commit, pinned so that compaction cannot delete them while they are
 * copied: what a follower behind the leader's purged log installs instead of replaying or re-applying
 * every record (etcd and rqlite send their database file the same way). Runs are immutable files,
 * kept until {@link #close}; the manifest, which every commit replaces, is held as bytes.
 *
 * <p>Files go by neutral names — {@value #MANIFEST} and {@code run-N} / {@code run-N.meta} — that
 * {@link CheckpointInstall} maps onto its own store's paths.
 */
public final class StoreCheckpoint implements AutoCloseable {
  public static final String MANIFEST = "MANIFEST";

  /** A file to copy: its neutral name and length. */
  public record StoreFile(String name, long size) {}

  private final Manifest manifest;
  private final byte[] manifestBytes;
  private final List<Run> runs;
  private final Map<String, Path> paths = new LinkedHashMap<>();
  private final List<StoreFile> files = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Takes the runs already retained for it (under the engine's lock). */
  StoreCheckpoint(Manifest manifest, List<Run> runs) throws IOException {
    this.manifest = manifest;
    this.manifestBytes = manifest.toBytes();
    this.runs = List.copyOf(runs);
    for (Run r : runs) {
      add("run-" + r.number(), r.path());
      add("run-" + r.number() + ".meta", RunWriter.metaPath(r.path()));
    }
    files.add(new StoreFile(MANIFEST, manifestBytes.length)); // last: the receiver writes it last
  }

  private void add(String name, Path path) throws IOException {
    paths.put(name, path);
    files.add(new StoreFile(name, java.nio.file.Files.size(path)));
  }

  /** The applied index the files hold. */
  public long index() {
    return manifest.appliedIndex();
  }

  public long term() {
    return manifest.appliedTerm();
  }

  /** Every file, the manifest last. */
  public List<StoreFile> files() {
    return files;
  }

  public long bytes() {
    return files.stream().mapToLong(StoreFile::size).sum();
  }

  /** Up to {@code max} bytes of {@code name} from {@code offset} (fewer only at the end of the file). */
  public byte[] read(String name, long offset, int max) throws IOException {
    if (closed.get()) {
      throw new IllegalStateException("the checkpoint at index " + index() + " was released");
    }
    if (name.equals(MANIFEST)) {
      int from = (int) Math.min(offset, manifestBytes.length);
      return java.util.Arrays.copyOfRange(manifestBytes, from, (int) Math.min(manifestBytes.length, from + (long) max));
    }
    Path p = paths.get(name);
    if (p == null) {
      throw new IllegalArgumentException("the checkpoint at index " + index() + " has no file " + name);
    }
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer buf = ByteBuffer.allocate((int) Math.max(0, Math.min(max, size - offset)));
      while (buf.hasRemaining()) {
        if (ch.read(buf, offset + buf.position()) < 0) {
          break;
        }
      }
      return buf.position() == buf.capacity() ? buf.array() : java.util.Arrays.copyOf(buf.array(), buf.position());
    }
  }

  /** Lets compaction delete the runs it replaced meanwhile. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      runs.forEach(Run::release);
    }
  }
}
