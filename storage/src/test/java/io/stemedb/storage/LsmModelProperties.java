package io.stemedb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The engine against a model: random sequences of puts, commits, reopenings (which drop what was not
 * committed, as a crash does) and reads answer exactly as a sorted map holding the committed keys plus
 * the ones put since. Compaction runs in the background throughout; its timing must not matter.
 */
class LsmModelProperties {
  private static final Table[] TABLES = {Table.LOG, Table.CLAIMS, Table.CLAIM_INDEX, Table.VOTES, Table.EPOCHS};

  /** One step: 0..5 put a batch, 6 commit, 7 reopen, 8..9 read. */
  record Step(int kind, int a, int b, int n) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> step = Arbitraries.integers().between(0, 9).flatMap(kind ->
        Arbitraries.integers().between(0, 7).flatMap(a ->
            Arbitraries.integers().between(0, 5).flatMap(b ->
                Arbitraries.integers().between(1, 300).map(n -> new Step(kind, a, b, n)))));
    return step.list().ofMinSize(5).ofMaxSize(60);
  }

  @Property(tries = 40)
  void theStoreAnswersAsASortedMapOfWhatWasCommittedAndPutSince(@ForAll("steps") List<Step> steps) throws IOException {
    Path dir = Files.createTempDirectory("lsm-model");
    Path file = dir.resolve("state.db");
    TreeMap<byte[], byte[]> committed = new TreeMap<>(Arrays::compareUnsigned);
    TreeMap<byte[], byte[]> pending = new TreeMap<>(Arrays::compareUnsigned);
    long serial = 0;
    long commits = 0;
    int spill = Lsm.spillEntries;
    Lsm.spillEntries = 97; // memtables spill into pending runs within a test
    Lsm lsm = Lsm.open(file);
    try {
      for (Step s : steps) {
        if (s.kind() <= 5) {
          for (int i = 0; i < s.n(); i++) {
            byte[] key = key(TABLES[(s.a() + i) % TABLES.length], s.a(), s.b() + i % 3, ++serial);
            byte[] value = ("v" + serial).getBytes(StandardCharsets.UTF_8);
            lsm.put(key, value);
            pending.put(key, value);
          }
        } else if (s.kind() == 6) {
          lsm.commit(++commits, 1, Map.of());
          committed.putAll(pending);
          pending.clear();
        } else if (s.kind() == 7) {
          lsm.close(); // no commit: what was only put is lost, as in a crash
          pending.clear();
          lsm = Lsm.open(file);
          assertThat(lsm.manifest().appliedIndex()).isEqualTo(commits);
        } else {
          TreeMap<byte[], byte[]> model = new TreeMap<>(committed);
          model.putAll(pending);
          check(lsm, model, s);
        }
      }
      TreeMap<byte[], byte[]> model = new TreeMap<>(committed);
      model.putAll(pending);
      for (int a = 0; a < 8; a++) {
        check(lsm, model, new Step(8, a, a % 6, 1));
      }
    } finally {
      Lsm.spillEntries = spill;
      lsm.close();
      try (var files = Files.walk(dir)) {
        files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * A key of {@code table} in its real shape (so the bloom prefixes apply): {@code a} and {@code b}
   * pick from a few subjects/ids and predicates/agents, so prefixes are shared by many keys.
   */
  static byte[] key(Table table, int a, int b, long serial) {
    String subject = "subject-" + a;
    return switch (table) {
      case LOG -> table.key().u64(serial).u32(a).build();
      case CLAIMS, RETRACTIONS -> table.key().raw(id(a, serial)).build();
      case CLAIM_INDEX -> table.key().string(subject).string("pred-" + b).u64(b % 2).u64(serial).u32(0).build();
      case VOTES -> table.key().raw(id(a, 0)).string("agent-" + b).u64(serial).u32(0).build();
      default -> table.key().string(subject).u64(serial).u32(0).build();
    };
  }

  private static byte[] id(int a, long serial) {
    byte[] id = new byte[Keys.ID_BYTES];
    id[0] = (byte) a;
    for (int i = 0; i < 8; i++) {
      id[31 - i] = (byte) (serial >>> (8 * i));
    }
    return id;
  }

  private static void check(Lsm lsm, TreeMap<byte[], byte[]> model, Step s) {
    // point reads: every key of the model, and a few that are not there
    for (var e : model.entrySet()) {
      assertThat(lsm.get(e.getKey())).isEqualTo(e.getValue());
    }
    for (Table t : TABLES) {
      byte[] absent = key(t, s.a(), s.b(), Long.MAX_VALUE - s.n());
      assertThat(lsm.get(absent)).isNull();
    }
    // prefix reads at the field boundaries the store uses
    String subject = "subject-" + s.a();
    List<byte[]> prefixes = List.of(
        Table.CLAIM_INDEX.key().string(subject).build(),
        Table.CLAIM_INDEX.key().string(subject).string("pred-" + s.b()).build(),
        Table.CLAIM_INDEX.key().string(subject).string("pred-" + s.b()).u64(s.b() % 2).build(),
        Table.VOTES.key().raw(id(s.a(), 0)).build(),
        Table.VOTES.key().raw(id(s.a(), 0)).string("agent-" + s.b()).build(),
        Table.EPOCHS.key().string(subject).build());
    for (byte[] prefix : prefixes) {
      assertThat(keys(lsm.prefix(prefix))).as("prefix").isEqualTo(hex(model.subMap(prefix, Lsm.end(prefix)).keySet()));
    }
    // ranges: each table whole, and the log from a point
    for (Table t : TABLES) {
      assertThat(keys(lsm.range(t.start(), t.end()))).isEqualTo(hex(model.subMap(t.start(), t.end()).keySet()));
      assertThat(lsm.count(t)).isEqualTo(model.subMap(t.start(), t.end()).size());
    }
    byte[] from = Table.LOG.key().u64(s.n()).build();
    assertThat(keys(lsm.range(from, Table.LOG.end()))).isEqualTo(hex(model.subMap(from, Table.LOG.end()).keySet()));
  }

  private static List<String> keys(Cursor c) {
    List<String> out = new ArrayList<>();
    try (c) {
      while (c.next()) {
        out.add(java.util.HexFormat.of().formatHex(c.key()));
      }
    }
    return out;
  }

  private static List<String> hex(Iterable<byte[]> keys) {
    List<String> out = new ArrayList<>();
    for (byte[] k : keys) {
      out.add(java.util.HexFormat.of().formatHex(k));
    }
    return out;
  }
}
