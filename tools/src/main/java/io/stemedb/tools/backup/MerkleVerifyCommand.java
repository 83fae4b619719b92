package io.stemedb.tools.backup;

import com.fasterxml.jackson.databind.JsonNode;
import io.stemedb.storage.MerkleTree;
import io.stemedb.storage.Store;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stemedb merkle-verify --data-dir D (--manifest FILE | --against URL)}: recomputes the Merkle tree
 * of a stopped node's store from its records — not from the tree the store keeps — and compares it
 * with the tree the store keeps (on-disk corruption shows here) and with the reference: a backup's
 * manifest, or a live node. Exit 0 when all agree, 1 with the differing buckets when not.
 */
@Command(name = "merkle-verify", mixinStandardHelpOptions = true,
    description = "Recomputes a data directory's Merkle root offline and compares it with a manifest or a node.")
public final class MerkleVerifyCommand implements Callable<Integer> {
  @Option(names = "--data-dir", required = true, description = "the node's data directory (node stopped)")
  Path dataDir;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Reference reference;

  static final class Reference {
    @Option(names = "--manifest", description = "a backup's manifest.json")
    Path manifest;

    @Option(names = "--against", description = "a node's HTTP address, compared with its current root")
    String against;
  }

  @picocli.CommandLine.Mixin
  NodeAccess access = new NodeAccess();

  @Override
  public Integer call() throws Exception {
    Path storeFile = NodeDataDir.store(dataDir);
    MerkleTree recomputed;
    MerkleTree kept;
    long index;
    try (Store store = open(storeFile); Progress progress = Progress.start("merkle-verify", "records", store.point().records())) {
      index = store.appliedIndex();
      recomputed = store.recomputeMerkle(progress::at);
      kept = store.storedMerkle();
    }
    long refIndex;
    String refRoot;
    Map<String, String> refBuckets;
    String refName;
    if (reference.manifest != null) {
      Manifest m = Manifest.read(reference.manifest);
      refIndex = m.index();
      refRoot = m.merkleRoot();
      refBuckets = m.buckets();
      refName = "the manifest";
    } else {
      JsonNode n = access.client(reference.against).getJson("/v1/admin/merkle?buckets=true");
      refIndex = n.path("index").asLong();
      refRoot = n.path("root").asText();
      refBuckets = new TreeMap<>();
      n.path("buckets").fields().forEachRemaining(e -> refBuckets.put(e.getKey(), e.getValue().asText()));
      refName = reference.against;
    }
    System.out.printf("data directory %s: index %d, %d records, recomputed root %s%n", dataDir, index,
        recomputed.records(), recomputed.rootHex());
    boolean ok = true;
    if (!kept.sameAs(recomputed)) {
      ok = false;
      System.out.println("MISMATCH: the store's own Merkle tree (root " + kept.rootHex() + ") disagrees with its records: "
          + "the data on disk are damaged. Rebuild this replica from the leader (docs/runbooks/005-replica-divergence.md).");
      printDifferences(kept.nonEmptyBuckets(), "kept", recomputed.nonEmptyBuckets(), "recomputed");
    }
    if (refIndex != index) {
      System.out.printf("note: %s is at index %d, the data directory at %d; roots are compared as they are%n",
          refName, refIndex, index);
    }
    if (!refRoot.equals(recomputed.rootHex())) {
      ok = false;
      System.out.println("MISMATCH: " + refName + " has root " + refRoot);
      printDifferences(recomputed.nonEmptyBuckets(), "data", refBuckets, "reference");
    } else {
      System.out.println("OK: equal to " + refName + " (root " + refRoot + ")");
    }
    return ok ? 0 : 1;
  }

  private static Store open(Path file) {
    try {
      return Store.open(file);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot open " + file + " (is the node still running? stop it first): " + e.getMessage(), e);
    }
  }

  private static void printDifferences(Map<String, String> a, String aName, Map<String, String> b, String bName) {
    TreeSet<String> all = new TreeSet<>(a.keySet());
    all.addAll(b.keySet());
    int shown = 0;
    int differing = 0;
    for (String bucket : all) {
      String x = a.get(bucket);
      String y = b.get(bucket);
      if (x == null ? y != null : !x.equals(y)) {
        differing++;
        if (shown++ < 50) {
          System.out.printf("  bucket %s: %s %s, %s %s%n", bucket, aName, x == null ? "empty" : x, bName, y == null ? "empty" : y);
        }
      }
    }
    System.out.printf("  %d differing bucket(s)%s%n", differing, differing > 50 ? " (first 50 shown)" : "");
  }
}
