package org.exitfilter.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.exitfilter.net.HostAndPort;
import org.exitfilter.net.InvalidHostException;
import org.exitfilter.net.UrlAuthority;

/**
 * The destination of a plain HTTP proxy request, parsed from its absolute-form target (RFC 9112
 * §3.2.2). The host is taken from the URI alone: userinfo is dropped, the {@code Host} header is
 * ignored and later regenerated from this, so the origin never sees a host other than the one
 * checked.
 *
 * <p>The origin form (path and query) is not copied out of the target: {@link
 * #writeOriginForm(ByteBuf)} writes it from the target's own characters, and only {@link
 * #originForm()} makes a string of it.
 *
 * @param destination the normalized host and port
 * @param uri the absolute-form target as received
 * @param pathStart where the path (or query, or fragment) of {@code uri} begins: the authority's
 *     end
 */
record RequestTarget(HostAndPort destination, String uri, int pathStart) {
  private static final int HTTP_PORT = 80;
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  /** Whether the target is in origin form ({@code /path}), i.e. addressed to the proxy itself. */
  static boolean isOriginForm(String uri) {
    return uri.startsWith("/") || uri.equals("*");
  }

  /**
   * Parses {@code http://[userinfo@]host[:port][/path][?query][#fragment]}.
   *
   * @throws ProxyException 400 for anything else, including {@code https://} (use CONNECT)
   */
  static RequestTarget parse(String uri) throws ProxyException {
    return parse(uri, null);
  }

  /**
   * As {@link #parse(String)}; when {@code last} holds the destination of a target whose authority
   * had exactly the same characters, that destination is taken instead of being parsed again, and
   * otherwise {@code last} learns the new one.
   */
  static RequestTarget parse(String uri, LastAuthority last) throws ProxyException {
    if (!uri.regionMatches(true, 0, "http://", 0, 7)) {
      throw new ProxyException(
          ProxyError.BAD_REQUEST,
          uri.regionMatches(true, 0, "https://", 0, 8)
              ? "https requests go through CONNECT"
              : "request target must be an absolute http URI");
    }
    int authorityStart = 7;
    int authorityEnd = UrlAuthority.end(uri, authorityStart);
    HostAndPort destination = last != null ? last.find(uri, authorityStart, authorityEnd) : null;
    if (destination == null) {
      destination =
          destination(
              UrlAuthority.hostAndPortText(uri, authorityStart, authorityEnd),
              HTTP_PORT,
              "invalid host: ");
      if (last != null) {
        last.remember(uri, authorityStart, authorityEnd, destination);
      }
    }
    return new RequestTarget(destination, uri, authorityEnd);
  }

  /**
   * The path and query to send upstream, never empty: what follows the authority up to a fragment,
   * {@code /} when that is empty, with a {@code /} before a bare query. The decoder read each byte
   * of the path as one char (ISO-8859-1), while the encoder writes the target as UTF-8; a raw
   * non-ASCII byte would reach the origin as two. Percent-encoding those bytes forwards exactly the
   * bytes the client sent, in the form RFC 3986 allows.
   */
  String originForm() {
    ByteBuf out = Unpooled.buffer(uri.length() - pathStart + 16);
    try {
      writeOriginForm(out);
      return out.toString(StandardCharsets.US_ASCII);
    } finally {
      out.release();
    }
  }

  /**
   * Writes {@link #originForm()} as the ASCII bytes it is, without making the string: the upstream
   * encoder sends it this way. What it writes is part of the client's target, which the decoder has
   * already checked for what must not be in a request line (spaces, CR, LF), and percent-escapes.
   */
  void writeOriginForm(ByteBuf out) {
    int end = uri.indexOf('#', pathStart);
    if (end < 0) {
      end = uri.length();
    }
    if (end == pathStart || uri.charAt(pathStart) == '?') {
      out.writeByte('/');
    }
    for (int i = pathStart; i < end; i++) {
      char c = uri.charAt(i);
      if (c < 0x80) {
        out.writeByte(c);
      } else {
        out.writeByte('%').writeByte(HEX[(c >> 4) & 0xf]).writeByte(HEX[c & 0xf]);
      }
    }
  }

  /**
   * Parses the {@code host:port} target of a CONNECT request, the same way as the host of an
   * absolute URI.
   *
   * @throws ProxyException 400 when the host or port is invalid or missing
   */
  static HostAndPort connectDestination(String authority) throws ProxyException {
    return destination(authority, -1, "invalid CONNECT target: ");
  }

  private static HostAndPort destination(String authority, int defaultPort, String problem)
      throws ProxyException {
    try {
      return HostAndPort.parse(utf8(authority), defaultPort);
    } catch (InvalidHostException e) {
      throw new ProxyException(ProxyError.BAD_REQUEST, problem + e.getMessage());
    }
  }

  /**
   * The request line arrives as bytes and the decoder maps each to one char (ISO-8859-1). A client
   * without IDN support sends a Unicode host as UTF-8 bytes; read as Latin-1 they would name some
   * other host ({@code cafÃ©.test} for {@code café.test}), which escapes a ban on the name the
   * client meant. So the bytes are decoded as UTF-8 before the host is parsed, and bytes that are
   * not UTF-8 are refused.
   */
  private static String utf8(String latin1) throws InvalidHostException {
    if (isAscii(latin1)) {
      return latin1;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(latin1.getBytes(StandardCharsets.ISO_8859_1)))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidHostException("bytes that are not UTF-8 in the host");
    }
  }

  private static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /**
   * The authority of the last absolute target that one client connection sent, and the destination
   * parsed from it: a browser sends request after request to the same host over a kept-alive
   * connection, and parsing the same characters again gives the same destination, at the cost of
   * the host and port substrings, the host's normalization and a new {@link HostAndPort} per
   * request. Only a character-for-character match counts (userinfo and case included); a target
   * that fails to parse is never remembered. Owned by the connection's handler, on its event loop.
   */
  static final class LastAuthority {
    private String uri;
    private int start;
    private int end;
    private HostAndPort destination;

    HostAndPort find(String uri, int start, int end) {
      if (destination != null
          && end - start == this.end - this.start
          && uri.regionMatches(start, this.uri, this.start, end - start)) {
        return destination;
      }
      return null;
    }

    void remember(String uri, int start, int end, HostAndPort destination) {
      this.uri = uri;
      this.start = start;
      this.end = end;
      this.destination = destination;
    }
  }

  /** The {@code Host} field value for the origin: the checked host, with its port if not 80. */
  String hostHeader() {
    String host = destination.host().authority();
    return destination.port() == HTTP_PORT ? host : host + ":" + destination.port();
  }
}
