package io.stemedb.tools.bench;

import java.io.File;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Callable;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The ceiling under the storage apply rate: how many single puts per second MapDB itself does, in the
 * mode the store uses (file, mmap, write-ahead log), for the shapes of put a claim needs. A claim costs
 * at least two index entries plus its body, so the store cannot apply claims faster than about a third
 * of the slowest of these.
 */
@Command(
    name = "mapdb-ceiling",
    mixinStandardHelpOptions = true,
    description = "Measures MapDB's raw put rate in the store's configuration.")
public final class MapDbPutCeilingBenchmark implements Callable<Integer> {
  @Option(names = "--puts", defaultValue = "300000")
  int puts;

  @Option(names = "--runs", defaultValue = "3")
  int runs;

  public static void main(String[] args) {
    System.exit(new CommandLine(new MapDbPutCeilingBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    for (String shape : new String[] {"hash-32B-key-12B-value", "btree-60B-key-empty", "btree-12B-key-150B-value"}) {
      double[] rates = new double[runs];
      for (int run = 0; run < runs; run++) {
        rates[run] = run(shape, run);
      }
      Arrays.sort(rates);
      System.out.printf("%-26s median %,.0f puts/s (min %,.0f, max %,.0f)%n",
          shape, rates[runs / 2], rates[0], rates[runs - 1]);
    }
    return 0;
  }

  private double run(String shape, int seed) throws Exception {
    File file = Files.createTempFile("mapdb-ceiling", ".db").toFile();
    file.delete();
    DB db = DBMaker.fileDB(file).transactionEnable().fileMmapEnableIfSupported()
        .fileMmapPreclearDisable().cleanerHackEnable().make();
    Random random = new Random(seed);
    long t0;
    try {
      HTreeMap<byte[], byte[]> hash = db.hashMap("h", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createOrOpen();
      BTreeMap<byte[], byte[]> tree = db.treeMap("t", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY)
          .maxNodeSize(16).valuesOutsideNodesEnable().createOrOpen();
      t0 = System.nanoTime();
      for (int i = 0; i < puts; i++) {
        switch (shape) {
          case "hash-32B-key-12B-value" -> hash.put(bytes(random, 32), bytes(random, 12));
          case "btree-60B-key-empty" -> tree.put(bytes(random, 60), new byte[0]);
          default -> tree.put(java.nio.ByteBuffer.allocate(12).putLong(i).putInt(0).array(), bytes(random, 150));
        }
        if (i % 1000 == 999) {
          db.commit(); // as the store commits at most once per entry of ~1000 claims
        }
      }
      db.commit();
    } finally {
      db.close();
      file.delete();
      new File(file + ".wal.0").delete();
    }
    return puts / ((System.nanoTime() - t0) / 1e9);
  }

  private static byte[] bytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
