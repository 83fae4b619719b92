package io.stemedb.storage;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What was applied since the last commit: a sorted map that the single apply thread fills and any
 * number of readers read at the same time (a skip list needs no lock for that). A commit writes it as
 * a run and replaces it with an empty one; it is never cleared, so a reader still holding it sees it
 * whole.
 */
final class Memtable {
  private final ConcurrentSkipListMap<byte[], byte[]> map = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
  // Per table, so reads of a table this memtable holds nothing of (usually epochs) skip the map.
  private final AtomicLongArray counts = new AtomicLongArray(Table.SLOTS);

  /** Adds a key; keys are never written twice (the store is append-only). */
  void put(byte[] key, byte[] value) {
    map.put(key, value);
    counts.incrementAndGet(key[0]);
  }

  byte[] get(byte[] key) {
    return counts.get(key[0]) == 0 ? null : map.get(key);
  }

  long count(Table t) {
    return counts.get(t.id);
  }

  boolean isEmpty() {
    return map.isEmpty();
  }

  int size() {
    return map.size();
  }

  /** Entries with keys in [from, to), in key order; {@code table} is the table they belong to. */
  Cursor cursor(Table table, byte[] from, byte[] to) {
    if (counts.get(table.id) == 0) {
      return Cursor.EMPTY;
    }
    var it = map.subMap(from, true, to, false).entrySet().iterator();
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

  /** Every entry, in key order (for writing the run). */
  Iterable<Map.Entry<byte[], byte[]>> entries() {
    return map.entrySet();
  }
}
