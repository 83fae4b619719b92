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
}
