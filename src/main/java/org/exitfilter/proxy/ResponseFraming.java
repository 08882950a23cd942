package org.exitfilter.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * How a final response's framing is adapted to the client: a pure function of the response head
 * (after hop-by-hop stripping) and of the request it answers, returning a {@link Decision} that the
 * exchange applies. A close-delimited body is re-chunked for an HTTP/1.1 client; a chunked body
 * goes close-delimited to an HTTP/1.0 client, which cannot read chunks. No I/O here, so every case
 * is unit-tested without a socket.
 */
final class ResponseFraming {
  private ResponseFraming() {}

  /** What happens to {@code Transfer-Encoding} on the way to the client. */
  enum Body {
    /** Sent framed as the origin framed it. */
    AS_IS,
    /** A close-delimited body, chunked for an HTTP/1.1 client. */
    CHUNK,
    /** A chunked body, unchunked and delimited by the close for an HTTP/1.0 client. */
    UNCHUNK
  }

  /**
   * The client's request, as far as the response's framing goes.
   *
   * @param clientHttp11 the client spoke HTTP/1.1 (else 1.0)
   * @param clientKeepAlive the client asked to keep its connection
   * @param answeringHead the request was a {@code HEAD}: the response has no body
   */
  record Request(boolean clientHttp11, boolean clientKeepAlive, boolean answeringHead) {
    private static final Request[] ALL = new Request[8];

    static {
      for (int i = 0; i < ALL.length; i++) {
        ALL[i] = new Request((i & 4) != 0, (i & 2) != 0, (i & 1) != 0);
      }
    }

    /** The shared instance for these values: every forwarded request needs one. */
    static Request of(boolean clientHttp11, boolean clientKeepAlive, boolean answeringHead) {
      return ALL[(clientHttp11 ? 4 : 0) | (clientKeepAlive ? 2 : 0) | (answeringHead ? 1 : 0)];
    }
  }

  /**
   * The response as the origin framed it.
   *
   * @param status the status code of a final (non-1xx) response
   * @param originKeepAlive the origin will keep its connection (read before hop-by-hop stripping)
   * @param chunked the body is chunked
   * @param contentLength the head carries a {@code Content-Length}
   */
  record Head(int status, boolean originKeepAlive, boolean chunked, boolean contentLength) {}

  /**
   * @param body what becomes of the body's framing
   * @param keepClient the client connection stays open for the next request
   * @param connectionField the {@code Connection} value to send: {@code close}, {@code keep-alive}
   *     (an HTTP/1.0 client keeps its connection only when told) or null for none
   * @param keepUpstream the upstream connection may carry the next request
   * @param clientBodyEndsWithClose the client reads the body's end from the close, so a response
   *     cut short must end in a reset, never a regular close
   */
  record Decision(
      Body body,
      boolean keepClient,
      CharSequence connectionField,
      boolean keepUpstream,
      boolean clientBodyEndsWithClose) {
    /** The {@code Connection} values {@link #decide} chooses from. */
    private static final CharSequence[] CONNECTION_FIELDS = {
      null, HttpHeaderValues.CLOSE, HttpHeaderValues.KEEP_ALIVE
    };

    /** Every decision {@link #decide} can make, one instance each: one is made per response. */
    private static final Decision[] ALL =
        new Decision[Body.values().length * 2 * CONNECTION_FIELDS.length * 2 * 2];

    static {
      for (Body body : Body.values()) {
        for (int keepClient = 0; keepClient < 2; keepClient++) {
          for (CharSequence connectionField : CONNECTION_FIELDS) {
            for (int keepUpstream = 0; keepUpstream < 2; keepUpstream++) {
              for (int endsWithClose = 0; endsWithClose < 2; endsWithClose++) {
                Decision decision =
                    new Decision(
                        body,
                        keepClient == 1,
                        connectionField,
                        keepUpstream == 1,
                        endsWithClose == 1);
                ALL[decision.index()] = decision;
              }
            }
          }
        }
      }
    }

    static Decision of(
        Body body,
        boolean keepClient,
        CharSequence connectionField,
        boolean keepUpstream,
        boolean clientBodyEndsWithClose) {
      return ALL[index(body, keepClient, connectionField, keepUpstream, clientBodyEndsWithClose)];
    }

    private int index() {
      return index(body, keepClient, connectionField, keepUpstream, clientBodyEndsWithClose);
    }

    private static int index(
        Body body,
        boolean keepClient,
        CharSequence connectionField,
        boolean keepUpstream,
        boolean clientBodyEndsWithClose) {
      int field = 0;
      while (CONNECTION_FIELDS[field] != connectionField) {
        field++;
      }
      int index = body.ordinal();
      index = index * 2 + (keepClient ? 1 : 0);
      index = index * CONNECTION_FIELDS.length + field;
      index = index * 2 + (keepUpstream ? 1 : 0);
      return index * 2 + (clientBodyEndsWithClose ? 1 : 0);
    }

    /** Sets the response's framing fields as decided; hop-by-hop fields are already gone. */
    void applyTo(HttpHeaders headers) {
      switch (body) {
        case CHUNK -> headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        case UNCHUNK -> headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
        case AS_IS -> {}
      }
      if (connectionField != null) {
        headers.set(HttpHeaderNames.CONNECTION, connectionField);
      }
    }
  }

  /**
   * @param requestComplete the whole request had gone upstream when the response began
   */
  static Decision decide(Head head, Request request, boolean requestComplete) {
    boolean bodyless = head.status() == 204 || head.status() == 304 || request.answeringHead();
    boolean delimitedByClose = !bodyless && !head.chunked() && !head.contentLength();
    boolean keepUpstream = head.originKeepAlive() && !delimitedByClose;
    boolean closeClient = false;
    Body body = Body.AS_IS;
    if (delimitedByClose) {
      if (request.clientHttp11()) {
        body = Body.CHUNK;
      } else {
        closeClient = true;
      }
    } else if (head.chunked() && !request.clientHttp11()) {
      body = Body.UNCHUNK;
      closeClient = true;
    }
    boolean clientBodyEndsWithClose =
        !bodyless && !request.clientHttp11() && (head.chunked() || delimitedByClose);
    if (!requestComplete) {
      // The origin answered before the body was sent; the rest of the body cannot be skipped
      // reliably, so both connections end with the response.
      closeClient = true;
      keepUpstream = false;
    }
    boolean keepClient = request.clientKeepAlive() && !closeClient;
    CharSequence connectionField =
        !keepClient
            ? HttpHeaderValues.CLOSE
            : request.clientHttp11() ? null : HttpHeaderValues.KEEP_ALIVE;
    return Decision.of(body, keepClient, connectionField, keepUpstream, clientBodyEndsWithClose);
  }
}
