package io.stemedb.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * The contract's error body for requests Jetty refuses before any handler runs — a malformed URI such
 * as {@code /v1/agents/%00}, a request line or headers over Jetty's limits (414, 431), contradictory
 * framing, a request target such as {@code *} — instead of Jetty's HTML page. Jetty keeps the status
 * (and, for an unparsable request, closes the connection).
 */
final class JettyErrorBody extends ErrorHandler {
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    return ByteBuffer.wrap(body(status, reason));
  }

  @Override
  protected void generateAcceptableResponse(
      Request baseRequest, HttpServletRequest request, HttpServletResponse response, int code, String message)
      throws IOException {
    baseRequest.setHandled(true);
    response.setContentType("application/json");
    response.getOutputStream().write(body(code, message));
  }

  private static byte[] body(int status, String reason) {
    String code = switch (status) {
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      case 500 -> "internal";
      default -> "invalid_argument"; // Jetty answers the rest only to requests it cannot parse
    };
    String message = "the request is malformed" + (reason == null || reason.isBlank() ? "" : ": " + reason);
    return Json.write(Json.object().set("error", Json.object().put("code", code).put("message", message)))
        .getBytes(StandardCharsets.UTF_8);
  }
}
