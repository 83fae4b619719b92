package io.stemedb.http;

/** The contract's input limits (api.md, "Conventions"); configurable, these are the defaults. */
public record Limits(
    long maxBodyBytes,
    int maxBatchItems,
    int maxValueBytes,
    int maxValueDepth,
    int maxSubjectBytes,
    int maxPredicateBytes,
    int maxAgentBytes,
    int maxSourceBytes) {

  public static final Limits DEFAULTS = new Limits(4L << 20, 1000, 64 << 10, 64, 512, 256, 128, 2048);

  public Limits {
    positive("limits.max_body_bytes", maxBodyBytes);
    positive("limits.max_batch_items", maxBatchItems);
    positive("limits.max_value_bytes", maxValueBytes);
    positive("limits.max_value_depth", maxValueDepth);
    positive("limits.max_subject_bytes", maxSubjectBytes);
    positive("limits.max_predicate_bytes", maxPredicateBytes);
    positive("limits.max_agent_bytes", maxAgentBytes);
    positive("limits.max_source_bytes", maxSourceBytes);
    if (maxValueBytes > maxBodyBytes) {
      throw new IllegalArgumentException("limits.max_value_bytes (" + maxValueBytes
          + ") cannot exceed limits.max_body_bytes (" + maxBodyBytes + ")");
    }
  }

  private static void positive(String key, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, not " + value);
    }
  }
}
