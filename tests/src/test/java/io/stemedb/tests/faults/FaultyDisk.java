package io.stemedb.tests.faults;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A node's data directory on a filesystem the test can break, mounted before the node starts.
 *
 * <ul>
 *   <li>{@link #small}: a small tmpfs. {@link #fail()} fills it with a filler file, so the node's next
 *       writes fail with ENOSPC (disk full); {@link #clear()} deletes the filler.
 *   <li>{@link #failingSync}: an ext4 filesystem on a loop device whose backing file lives on a tmpfs
 *       smaller than the filesystem (a thin-provisioned disk). {@link #fail()} fills the backing
 *       tmpfs, so the filesystem still shows free space but every write that reaches the device, and
 *       so every fsync, fails with EIO — the journal aborts and the filesystem turns read-only, as on
 *       a dying disk. {@link #clear()} (with the node stopped) frees the backing store, checks the
 *       filesystem and mounts it again.
 * </ul>
 * Needs root (mount, losetup); {@link #close()} unmounts and detaches everything.
 */
public final class FaultyDisk implements AutoCloseable {
  private final Path mountPoint;
  private final Path backing; // the tmpfs holding the image (failingSync) or null
  private final Path image;
  private String loop;
  private boolean failed;

  private FaultyDisk(Path mountPoint, Path backing, Path image) {
    this.mountPoint = mountPoint;
    this.backing = backing;
    this.image = image;
  }

  /** Whether tmpfs and loop mounts work here. */
  public static boolean available() {
    return Sh.has("mount") && Sh.has("losetup") && Sh.has("mkfs.ext4")
        && Sh.tryRun("sh", "-c", "d=$(mktemp -d) && mount -t tmpfs -o size=1m tmpfs $d && umount $d && rmdir $d").ok();
  }

  /** A tmpfs of {@code megabytes} at {@code dir}. */
  public static FaultyDisk small(Path dir, int megabytes) throws IOException {
    Files.createDirectories(dir);
    Sh.run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString());
    return new FaultyDisk(dir, null, null);
  }

  /** An ext4 filesystem of 256 MiB at {@code dir} whose device can start failing writes. */
  public static FaultyDisk failingSync(Path dir, Path scratch) throws IOException {
    Path backing = scratch.resolve("disk-backing");
    Files.createDirectories(dir);
    Files.createDirectories(backing);
    Sh.run("mount", "-t", "tmpfs", "-o", "size=128m", "tmpfs", backing.toString());
    FaultyDisk disk = new FaultyDisk(dir, backing, backing.resolve("disk.img"));
    try {
      Sh.run("truncate", "-s", "256M", disk.image.toString());
      Sh.run("mkfs.ext4", "-q", "-F", disk.image.toString());
      disk.mountImage();
    } catch (RuntimeException e) {
      disk.close();
      throw e;
    }
    return disk;
  }

  private void mountImage() {
    loop = Sh.run("losetup", "-f", "--show", image.toString()).strip();
    Sh.run("mount", "-o", "errors=remount-ro", loop, mountPoint.toString());
  }

  /** Starts failing writes: fills the tmpfs (or the image's backing store). */
  public void fail() throws IOException {
    Path filler = (backing != null ? backing : mountPoint).resolve("filler");
    ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
    try (FileChannel out = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      for (int i = 0; i < 4096; i++) { // bounded: 4 GiB at most, far above any size used here
        chunk.clear();
        out.write(chunk);
      }
      throw new IllegalStateException("the disk at " + mountPoint + " never filled up");
    } catch (IOException full) {
      // ENOSPC: exactly what we wanted
    }
    failed = true;
  }

  public boolean failed() {
    return failed;
  }

  /**
   * Lets writes succeed again. For {@link #failingSync} the node must be stopped first: the
   * filesystem is checked and mounted again, as an operator would after replacing a disk path.
   */
  public void clear() throws IOException {
    Files.deleteIfExists((backing != null ? backing : mountPoint).resolve("filler"));
    if (backing != null) {
      Sh.tryRun("umount", mountPoint.toString());
      Sh.tryRun("losetup", "-d", loop);
      Sh.tryRun("e2fsck", "-fy", image.toString()); // 1 = errors corrected, which is fine
      mountImage();
    }
    failed = false;
  }

  @Override
  public void close() {
    Sh.tryRun("umount", "-l", mountPoint.toString());
    if (loop != null) {
      Sh.tryRun("losetup", "-d", loop);
    }
    if (backing != null) {
      Sh.tryRun("umount", "-l", backing.toString());
    }
  }
}
