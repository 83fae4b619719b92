package io.stemedb.storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What was applied since the last commit, which the single apply thread fills while any number of
 * readers read it (both structures below need no lock for that). A commit writes it as a run and
 * replaces it with an empty one; it is never cleared, so a reader still holding it sees it whole.
 *
 * <p>Per table: the point tables (whole-key lookups only: claims, retractions, epoch requests) are hash
 * maps, sorted only when written out or scanned, which never happens on the apply path; the others are
 * skip lists. Measured on 1M claims in one memtable: one shared skip list spent 77% of apply in its
 * random-key get and puts (51k claims/s); the claims lookup and put in a hash map cost a fraction.
 */
final class Memtable {
  private static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

  /** A key in a hash map: the bytes, compared by content. */
  private record Key(byte[] bytes, int hash) {
    static Key of(byte[] b) {
      return new Key(b, Arrays.hashCode(b));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  @SuppressWarnings("unchecked")
  private final Map<Key, byte[]>[] hashed = new Map[Table.SLOTS];
  @SuppressWarnings("unchecked")
  private final ConcurrentSkipListMap<byte[], byte[]>[] sorted = new ConcurrentSkipListMap[Table.SLOTS];
  // Per table, so reads of a table this memtable holds nothing of (usually epochs) skip it.
  private final AtomicLongArray counts = new AtomicLongArray(Table.SLOTS);

  Memtable() {
    for (Table t : Table.values()) {
      if (t.wholeKeysInBloom() && t != Table.LOG) {
        hashed[t.id] = new ConcurrentHashMap<>();
      } else {
        sorted[t.id] = new ConcurrentSkipListMap<>(ORDER);
      }
    }
  }

  /** Adds a key; keys are never written twice (the store is append-only). */
  void put(byte[] key, byte[] value) {
    int t = Table.of(key).id;
    if (hashed[t] != null) {
      hashed[t].put(Key.of(key), value);
    } else {
      sorted[t].put(key, value);
    }
    counts.incrementAndGet(t);
  }

  byte[] get(byte[] key) {
    int t = Table.of(key).id;
    if (counts.get(t) == 0) {
      return null;
    }
    return hashed[t] != null ? hashed[t].get(Key.of(key)) : sorted[t].get(key);
  }

  long count(Table t) {
    return counts.get(t.id);
  }

  boolean isEmpty() {
    for (int t = 0; t < Table.SLOTS; t++) {
      if (counts.get(t) > 0) {
        return false;
      }
    }
    return true;
  }

  /** Entries with keys in [from, to), in key order; {@code table} is the table they belong to. */
  Cursor cursor(Table table, byte[] from, byte[] to) {
    if (counts.get(table.id) == 0) {
      return Cursor.EMPTY;
    }
    var it = hashed[table.id] != null
        ? sortedCopy(table, from, to).iterator()
        : sorted[table.id].subMap(from, true, to, false).entrySet().iterator();
    return new Cursor() {
      Map.Entry<byte[], byte[]> current;

      @Override
      public boolean next() {
        current = it.hasNext() ? it.next() : null;
        return current != null;
      }

      @Override
      public byte[] key() {
        return current.getKey();
      }

      @Override
      public byte[] value() {
        return current.getValue();
      }
    };
  }

  private List<Map.Entry<byte[], byte[]>> sortedCopy(Table table, byte[] from, byte[] to) {
    Map<Key, byte[]> map = hashed[table.id];
    Key[] keys = new Key[map.size() + 16];
    int n = 0;
    for (Key k : map.keySet()) {
      if (ORDER.compare(k.bytes(), from) >= 0 && ORDER.compare(k.bytes(), to) < 0) {
        if (n == keys.length) {
          keys = Arrays.copyOf(keys, n * 2);
        }
        keys[n++] = k;
      }
    }
    Arrays.sort(keys, 0, n, (a, b) -> ORDER.compare(a.bytes(), b.bytes()));
    Key[] found = keys;
    int size = n;
    return new java.util.AbstractList<>() {
      @Override
      public Map.Entry<byte[], byte[]> get(int i) {
        return Map.entry(found[i].bytes(), map.get(found[i]));
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  /** Every entry, in key order (for writing the run): tables are disjoint key ranges, in table order. */
  Iterable<Map.Entry<byte[], byte[]>> entries() {
    List<Iterable<Map.Entry<byte[], byte[]>>> parts = new ArrayList<>();
    for (Table t : Table.values()) { // declared in id order
      if (counts.get(t.id) > 0) {
        parts.add(hashed[t.id] != null ? sortedCopy(t, t.start(), t.end()) : sorted[t.id].entrySet());
      }
    }
    return () -> parts.stream().flatMap(p -> java.util.stream.StreamSupport.stream(p.spliterator(), false)).iterator();
  }
}
