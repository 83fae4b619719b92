package io.stemedb.tests;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One hostile request and what the contract says it must get: a 4xx (exactly {@code status} unless
 * 0) with the error body, naming {@code field} unless that is null. {@code authorization} is the
 * whole header (null: none); by default the token the route needs, so only the input is at fault.
 * A case with {@code raw} bytes is sent as written over a socket: what an HTTP client refuses to send.
 */
record HostileCase(
    String family, int node, String method, String path, String contentType, String authorization,
    Map<String, String> headers, byte[] body, boolean chunked, byte[] raw, int status, String field) {

  static HostileCase of(String family, int node, String method, String path) {
    return new HostileCase(family, node, method, path, null, defaultAuthorization(path), Map.of(), null, false, null, 0, null);
  }

  static String defaultAuthorization(String path) {
    return "Bearer " + (path.startsWith("/v1/admin/") ? HostileCluster.ADMIN_TOKEN : HostileCluster.WRITER_TOKEN);
  }

  static HostileCase raw(String family, int node, String request, int status, String field) {
    return new HostileCase(family, node, "RAW", "", null, null, Map.of(), null, false,
        request.getBytes(StandardCharsets.ISO_8859_1), status, field);
  }

  HostileCase json(String text) {
    return json(text.getBytes(StandardCharsets.UTF_8));
  }

  HostileCase json(byte[] bytes) {
    return new HostileCase(family, node, method, path, "application/json", authorization, headers, bytes, chunked, raw, status, field);
  }

  HostileCase body(String type, byte[] bytes) {
    return new HostileCase(family, node, method, path, type, authorization, headers, bytes, chunked, raw, status, field);
  }

  HostileCase chunked(boolean on) {
    return new HostileCase(family, node, method, path, contentType, authorization, headers, body, on, raw, status, field);
  }

  HostileCase authorization(String header) {
    return new HostileCase(family, node, method, path, contentType, header, headers, body, chunked, raw, status, field);
  }

  HostileCase header(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new HostileCase(family, node, method, path, contentType, authorization, Map.copyOf(h), body, chunked, raw, status, field);
  }

  HostileCase expect(int expectedStatus, String expectedField) {
    return new HostileCase(family, node, method, path, contentType, authorization, headers, body, chunked, raw, expectedStatus, expectedField);
  }

  /** Short enough to read in a failure report: long paths and bodies are cut, odd bytes escaped. */
  @Override
  public String toString() {
    if (raw != null) {
      return family + " n" + (node + 1) + " raw " + show(raw, 300) + " → " + expectation();
    }
    return family + " n" + (node + 1) + " " + method + " " + cut(path, 300) + (contentType == null ? "" : " [" + contentType + "]")
        + (authorization == null ? " [no auth]" : authorization.equals(defaultAuthorization(path)) ? "" : " [Authorization: " + authorization + "]")
        + (headers.isEmpty() ? "" : " " + headers.keySet()) + (chunked ? " chunked" : "")
        + (body == null ? "" : " body(" + body.length + " bytes)=" + show(body, 400)) + " → " + expectation();
  }

  private String expectation() {
    return (status == 0 ? "4xx" : Integer.toString(status)) + (field == null ? "" : " naming " + field);
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…(" + s.length() + ")";
  }

  private static String show(byte[] bytes, int max) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(bytes.length, max); i++) {
      int c = bytes[i] & 0xff;
      b.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
    }
    return bytes.length > max ? b + "…" : b.toString();
  }
}
