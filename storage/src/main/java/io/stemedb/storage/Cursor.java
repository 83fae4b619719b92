package io.stemedb.storage;

/**
 * A forward pass over entries in key order: {@link #next} moves to the next entry and says whether
 * there is one; then {@link #key} and {@link #value} read it. Closing releases what the pass holds
 * (the runs it reads); a pass may be closed before it ends.
 */
interface Cursor extends AutoCloseable {
  Cursor EMPTY = new Cursor() {
    @Override
    public boolean next() {
      return false;
    }

    @Override
    public byte[] key() {
      throw new IllegalStateException("empty");
    }

    @Override
    public byte[] value() {
      throw new IllegalStateException("empty");
    }
  };

  boolean next();

  byte[] key();

  byte[] value();

  @Override
  default void close() {}
}
