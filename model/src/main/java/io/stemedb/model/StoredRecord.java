package io.stemedb.model;

/**
 * Everything the store keeps, one kind per record type. Export writes them as NDJSON lines tagged with
 * {@link #type()}; the Merkle tree hashes them; nothing is ever overwritten.
 */
public sealed interface StoredRecord permits Assertion, Retraction, Vote, AgentSetting, EpochOpening {
  /** The log index that applied the record. */
  long index();

  /** The export tag: assertion, retraction, vote, agent or epoch. */
  String type();
}
