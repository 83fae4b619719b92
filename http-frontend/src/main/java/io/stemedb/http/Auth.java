package io.stemedb.http;

import io.javalin.http.Context;
import io.stemedb.model.Hashing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;

/**
 * Bearer tokens as the contract says: {@code /v1/admin/**} needs the admin token (when one is
 * configured); writes need a writer or the admin token when writer tokens are configured; reads are
 * open unless read tokens are configured. {@code /health}, {@code /ready}, {@code /metrics} are open.
 * Tokens are compared in constant time (over their SHA-256, so lengths leak nothing) and never logged.
 */
public record Auth(String adminToken, List<String> writerTokens, List<String> readTokens) {
  /** No tokens at all: everything is open (the local cluster's default, which says so). */
  public static final Auth OPEN = new Auth(null, List.of(), List.of());

  static final String IS_ADMIN = "stemedb.admin";
  private static final Set<String> OPEN_PATHS = Set.of("/health", "/ready", "/metrics");

  public Auth {
    adminToken = adminToken == null || adminToken.isEmpty() ? null : adminToken;
    writerTokens = List.copyOf(writerTokens);
    readTokens = List.copyOf(readTokens);
  }

  /** A before-handler: refuses the request (401/403) or marks whether it carries the admin token. */
  void check(Context ctx) {
    if (OPEN_PATHS.contains(ctx.path())) {
      return;
    }
    String presented = bearer(ctx);
    boolean admin = adminToken != null && presented != null && equal(presented, adminToken);
    ctx.attribute(IS_ADMIN, admin || adminToken == null);
    String method = ctx.method().name();
    boolean write = !method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS");
    if (ctx.path().startsWith("/v1/admin/")) {
      if (adminToken == null || admin) {
        return;
      }
      if (presented == null) {
        throw unauthenticated("this endpoint needs the admin token (Authorization: Bearer <token>)");
      }
      if (anyEqual(presented, writerTokens) || anyEqual(presented, readTokens)) {
        throw ApiException.forbidden(null, "this token may not use admin endpoints");
      }
      throw unauthenticated("the token is not valid");
    }
    List<String> needed = write ? writerTokens : readTokens;
    if (needed.isEmpty() || admin) {
      return;
    }
    if (presented == null) {
      throw unauthenticated((write ? "writes" : "reads") + " need a token (Authorization: Bearer <token>)");
    }
    if (anyEqual(presented, needed) || (!write && anyEqual(presented, writerTokens))) {
      return; // writers may also read
    }
    if (write && anyEqual(presented, readTokens)) {
      throw ApiException.forbidden(null, "a read token may not write");
    }
    throw unauthenticated("the token is not valid");
  }

  static boolean isAdmin(Context ctx) {
    return Boolean.TRUE.equals(ctx.attribute(IS_ADMIN));
  }

  private static String bearer(Context ctx) {
    String h = ctx.header("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = h.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  private static boolean anyEqual(String presented, List<String> tokens) {
    boolean found = false;
    for (String t : tokens) {
      found |= equal(presented, t); // no early exit: the time does not depend on which one matched
    }
    return found;
  }

  private static boolean equal(String a, String b) {
    return MessageDigest.isEqual(Hashing.sha256(a.getBytes(StandardCharsets.UTF_8)), Hashing.sha256(b.getBytes(StandardCharsets.UTF_8)));
  }

  private static ApiException unauthenticated(String message) {
    return ApiException.unauthenticated(message);
  }
}
