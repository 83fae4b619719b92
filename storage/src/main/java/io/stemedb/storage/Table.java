package io.stemedb.storage;

/**
 * The store's maps, as one key space: every key starts with its table's byte, so one sorted run holds
 * all of them and a table is a key range. {@link #bloomPrefixes} names the key prefixes a read of the
 * table may ask about — whole keys for the point tables, field boundaries for the range tables — which
 * each run's bloom filter holds, so a read skips the runs that cannot have what it wants.
 */
enum Table {
  LOG(1),
  CLAIMS(2),
  CLAIM_INDEX(3),
  RETRACTIONS(4),
  VOTES(5),
  AGENTS(6),
  EPOCHS(7),
  EPOCH_REQUESTS(8);

  /** One more than the largest table byte: the size of per-table count arrays. */
  static final int SLOTS = 9;
  private static final Table[] BY_BYTE = new Table[SLOTS];

  static {
    for (Table t : values()) {
      BY_BYTE[t.id] = t;
    }
  }

  final byte id;

  Table(int id) {
    this.id = (byte) id;
  }

  static Table of(byte[] key) {
    Table t = key.length == 0 || key[0] <= 0 || key[0] >= SLOTS ? null : BY_BYTE[key[0]];
    if (t == null) {
      throw new CorruptStoreException("a key of no known table: first byte " + (key.length == 0 ? "none" : key[0]));
    }
    return t;
  }

  /** Whether the bloom filter holds whole keys of this table (else only its range prefixes). */
  boolean wholeKeysInBloom() {
    return this == LOG || this == CLAIMS || this == RETRACTIONS || this == EPOCH_REQUESTS;
  }

  /** The first key of this table. */
  byte[] start() {
    return new byte[] {id};
  }

  /** The first key after this table. */
  byte[] end() {
    return new byte[] {(byte) (id + 1)};
  }

  /** A key builder whose keys start with this table's byte. */
  Keys.Builder key() {
    return Keys.key().u8(id);
  }

  /**
   * Calls {@code sink} with the length of every prefix of {@code key} that a read may look up (see the
   * class comment). Keys: log (index, seq); claims, retractions id; epochRequests (subject, request);
   * claimIndex (subject, predicate, epoch, index, seq); votes (id, agent, index, seq); agents (agent,
   * index, seq); epochs (subject, index, seq).
   */
  void bloomPrefixes(byte[] key, java.util.function.IntConsumer sink) {
    switch (this) {
      case LOG, CLAIMS, RETRACTIONS, EPOCH_REQUESTS -> sink.accept(key.length);
      case CLAIM_INDEX -> {
        int afterSubject = Keys.skipString(key, 1);
        int afterPredicate = Keys.skipString(key, afterSubject);
        sink.accept(afterSubject);
        sink.accept(afterPredicate);
        sink.accept(afterPredicate + 8);
      }
      case VOTES -> {
        int afterId = 1 + Keys.ID_BYTES;
        sink.accept(afterId);
        sink.accept(Keys.skipString(key, afterId));
      }
      case AGENTS, EPOCHS -> sink.accept(Keys.skipString(key, 1));
    }
  }
}
