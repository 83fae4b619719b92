package io.stemedb.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;

/**
 * Guards the reading of every request body, so that what the client sent decides the answer:
 * <ul>
 *   <li>a body without a Content-Length (chunked) is capped at the byte limit as it is read — Javalin
 *       checks only a declared length, so it would otherwise read the whole of it, however large — and
 *       going over is the contract's 413;
 *   <li>a body that cannot be read (malformed chunk framing, the connection closed before the declared
 *       length) is a 400, where Javalin would take it for a client abort and answer an empty 500.
 * </ul>
 * Streamed bodies (the NDJSON import) are read line by line and bound per line by their handler, so
 * they are exempt from the total.
 */
final class BodyGuard implements Filter {
  private final long maxBytes;
  private final java.util.Set<String> streamedPaths;

  BodyGuard(long maxBytes, java.util.Set<String> streamedPaths) {
    this.maxBytes = maxBytes;
    this.streamedPaths = streamedPaths;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest http)) {
      chain.doFilter(request, response);
      return;
    }
    chain.doFilter(new HttpServletRequestWrapper(http) {
      private ServletInputStream guarded;

      @Override
      public ServletInputStream getInputStream() throws IOException {
        if (guarded == null) {
          guarded = new Guarded(super.getInputStream(),
              streamedPaths.contains(http.getRequestURI()) ? Long.MAX_VALUE : maxBytes);
        }
        return guarded;
      }
    }, response);
  }

  /** The request's stream, failing with the contract's error instead of an I/O one. */
  private static final class Guarded extends ServletInputStream {
    private final ServletInputStream in;
    private final long maxBytes;
    private long read;

    Guarded(ServletInputStream in, long maxBytes) {
      this.in = in;
      this.maxBytes = maxBytes;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      int n;
      try {
        n = in.read(buffer, offset, length);
      } catch (IOException | RuntimeException e) {
        throw ApiException.invalid("", "the body could not be read: " + e.getMessage());
      }
      read += Math.max(n, 0);
      if (read > maxBytes) {
        throw ApiException.tooLarge("the body is larger than " + maxBytes + " bytes");
      }
      return n;
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }
  }
}
