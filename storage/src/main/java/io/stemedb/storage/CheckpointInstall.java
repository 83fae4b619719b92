package io.stemedb.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a {@link StoreCheckpoint}'s files, received in chunks, as a new store at {@code storeFile}
 * (in a folder of its own that holds nothing yet). The runs are written and fsynced first, the
 * manifest last with an atomic rename, so the folder holds a store only once every byte is there;
 * a crash before that leaves no manifest, and the caller discards the folder.
 */
public final class CheckpointInstall implements AutoCloseable {
  private static final Pattern RUN = Pattern.compile("run-(\\d{1,18})(\\.meta)?");

  private final Path storeFile;
  private final Path incomingManifest;
  private final Map<String, FileChannel> open = new HashMap<>();
  private final Map<String, Long> written = new HashMap<>();
  private final Map<String, Long> sizes = new HashMap<>();
  private final List<StoreCheckpoint.StoreFile> files;

  /** {@code files}: the checkpoint's list, each written whole by {@link #write} before {@link #finish}. */
  public CheckpointInstall(Path storeFile, List<StoreCheckpoint.StoreFile> files) throws IOException {
    this.files = List.copyOf(files);
    this.storeFile = storeFile.toAbsolutePath();
    this.incomingManifest = this.storeFile.resolveSibling(this.storeFile.getFileName() + ".incoming");
    Files.createDirectories(this.storeFile.getParent());
    if (Files.exists(this.storeFile)) {
      throw new IllegalStateException(storeFile + " exists: a checkpoint is installed only into an empty folder");
    }
    for (StoreCheckpoint.StoreFile f : files) {
      target(f.name()); // refuses a name that is not a store file before anything is written
      sizes.put(f.name(), f.size());
    }
  }

  /** Where a checkpoint file goes; anything but the names a checkpoint uses is refused. */
  private Path target(String name) {
    if (name.equals(StoreCheckpoint.MANIFEST)) {
      return incomingManifest;
    }
    Matcher m = RUN.matcher(name);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a store file name: " + name);
    }
    Path run = Manifest.runPath(storeFile, Long.parseLong(m.group(1)));
    return m.group(2) == null ? run : RunWriter.metaPath(run);
  }

  /** {@link #write(String, long, ByteBuffer)} for an array. */
  public void write(String name, long offset, byte[] data) throws IOException {
    write(name, offset, ByteBuffer.wrap(data));
  }

  /** Writes the next {@code data} of {@code name}; chunks of a file come in order. */
  public void write(String name, long offset, ByteBuffer data) throws IOException {
    long expected = written.getOrDefault(name, 0L);
    Long size = sizes.get(name);
    if (size == null) {
      throw new IllegalArgumentException(name + " is not a file of this checkpoint");
    }
    if (offset + data.remaining() > size) {
      throw new IllegalArgumentException(name + ": bytes past its size " + size);
    }
    if (offset != expected) {
      throw new IllegalArgumentException(name + ": chunk at " + offset + ", expected " + expected);
    }
    FileChannel ch = open.get(name);
    if (ch == null) {
      ch = FileChannel.open(target(name), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      open.put(name, ch);
    }
    int n = data.remaining();
    while (data.hasRemaining()) {
      ch.write(data);
    }
    written.put(name, expected + n);
    if (expected + n == size) {
      // Synced as each file completes, so the disk writes overlap the rest of the copy instead of
      // all waiting for the end.
      ch.force(true);
      ch.close();
      open.remove(name);
    }
  }

  /**
   * Checks that every file arrived whole, makes them durable, and puts the manifest in place; then
   * the folder is the store the checkpoint described (open it with {@link Store#open}).
   */
  public void finish() throws IOException {
    for (StoreCheckpoint.StoreFile f : files) {
      if (f.size() == 0 && !written.containsKey(f.name())) {
        write(f.name(), 0, new byte[0]);
      }
      long got = written.getOrDefault(f.name(), 0L);
      if (got != f.size()) {
        throw new IOException(f.name() + ": received " + got + " of " + f.size() + " bytes");
      }
    }
    Manifest.syncDirectory(storeFile.getParent()); // the runs' names are durable before a manifest names them
    Manifest.read(incomingManifest); // whole and checksummed, or refused before it is put in place
    Files.move(incomingManifest, storeFile, StandardCopyOption.ATOMIC_MOVE);
    Manifest.syncDirectory(storeFile.getParent());
  }

  /** Closes what is still open (a failed copy); the caller deletes the folder. */
  @Override
  public void close() throws IOException {
    for (FileChannel ch : open.values()) {
      ch.close();
    }
    open.clear();
  }
}
