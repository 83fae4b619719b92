package io.stemedb.http;

/**
 * A failure with its place in the contract: HTTP status, error code, message, and the input at fault
 * (a JSON path such as {@code assertions[3].confidence}, or a query parameter), rendered by {@link
 * ErrorMapping} as {@code {"error": {"code", "message", "field"}}}.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final String field;
  private final Integer retryAfterSeconds;

  private ApiException(int status, String code, String message, String field, Integer retryAfterSeconds) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static ApiException invalid(String field, String message) {
    return new ApiException(400, "invalid_argument", message, field, null);
  }

  public static ApiException unauthenticated(String message) {
    return new ApiException(401, "unauthenticated", message, null, null);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "not_found", message, null, null);
  }

  public static ApiException conflict(String field, String message) {
    return new ApiException(409, "conflict", message, field, null);
  }

  public static ApiException forbidden(String field, String message) {
    return new ApiException(403, "permission_denied", message, field, null);
  }

  public static ApiException tooLarge(String message) {
    return new ApiException(413, "payload_too_large", message, null, null);
  }

  public static ApiException unsupportedMediaType(String message) {
    return new ApiException(415, "unsupported_media_type", message, null, null);
  }

  public static ApiException methodNotAllowed(String message) {
    return new ApiException(405, "method_not_allowed", message, null, null);
  }

  public static ApiException rateLimited(String message, long retryAfterSeconds) {
    return new ApiException(429, "rate_limited", message, null, (int) Math.min(Integer.MAX_VALUE, retryAfterSeconds));
  }

  /** No leader or quorum in time: the outcome of a write is unknown and retrying it is safe. */
  public static ApiException unavailable(String message) {
    return new ApiException(503, "unavailable", message, null, 1);
  }

  public static ApiException timeout(String message) {
    return new ApiException(504, "timeout", message, null, null);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String field() {
    return field;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
