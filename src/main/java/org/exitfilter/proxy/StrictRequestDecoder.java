package org.exitfilter.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * The request decoder, made strict where Netty is lenient, and tunnel-aware.
 *
 * <ul>
 *   <li>A message with both {@code Content-Length} and {@code Transfer-Encoding} is a decoder
 *       failure (Netty would drop the length and go on); the client gets 400.
 *   <li>Fields are held in {@link CompactHeaders}, validated as before, each request's sized from
 *       the connection's last one.
 *   <li>Each head is a {@link ClientRequest}, forwarded without a copy of its path.
 *   <li>Field names that browsers send with every request are shared constants, not copies.
 *   <li>After a {@code CONNECT} head it decodes nothing more: the bytes that follow belong to the
 *       tunnel and are handed on unparsed when this handler is removed.
 * </ul>
 */
final class StrictRequestDecoder extends HttpRequestDecoder {
  private final CompactHeaders.PerConnection fields;
  private boolean tunnelRequested;

  StrictRequestDecoder(int maxRequestLineLength, int maxHeaderSize) {
    this(maxRequestLineLength, maxHeaderSize, CompactHeaders.perConnection());
  }

  private StrictRequestDecoder(
      int maxRequestLineLength, int maxHeaderSize, CompactHeaders.PerConnection fields) {
    super(
        new HttpDecoderConfig()
            .setMaxInitialLineLength(maxRequestLineLength)
            .setMaxHeaderSize(maxHeaderSize)
            // Body pieces of up to 64 KiB: fewer messages per megabyte relayed.
            .setMaxChunkSize(64 * 1024)
            .setAllowDuplicateContentLengths(false)
            .setStrictLineParsing(true)
            .setValidateHeaders(true)
            .setHeadersFactory(fields)
            .setTrailersFactory(fields.trailers()));
    this.fields = fields;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (tunnelRequested) {
      return;
    }
    int before = out.size();
    super.decode(ctx, in, out);
    for (int i = before; i < out.size(); i++) {
      if (out.get(i) instanceof HttpRequest request) {
        fields.decoded(request);
        if (request.method().equals(HttpMethod.CONNECT) && request.decoderResult().isSuccess()) {
          tunnelRequested = true;
        }
      }
    }
  }

  /**
   * A field name spelled exactly as one of {@link KnownFieldNames#REQUEST} becomes that shared
   * constant instead of a fresh copy: a browser sends a dozen such names with every request. The
   * spelling is kept byte for byte, so the origin sees the names as the client wrote them.
   */
  @Override
  protected AsciiString splitHeaderName(byte[] bytes, int start, int length) {
    AsciiString known = KnownFieldNames.REQUEST.find(bytes, start, length);
    return known != null ? known : super.splitHeaderName(bytes, start, length);
  }

  /**
   * As Netty's, as a {@link ClientRequest}, which can be forwarded without a copy of its path, when
   * the version is exactly {@code HTTP/1.1} or {@code HTTP/1.0} (the two Netty has constants for);
   * any other version is checked and the head made by Netty itself, and forwarded as before.
   */
  @Override
  protected HttpMessage createMessage(String[] initialLine) throws Exception {
    HttpVersion version = exactVersion(initialLine[2]);
    if (version == null) {
      return super.createMessage(initialLine);
    }
    return new ClientRequest(
        version, HttpMethod.valueOf(initialLine[0]), initialLine[1], headersFactory);
  }

  private static HttpVersion exactVersion(String text) {
    if (HttpVersion.HTTP_1_1.text().equals(text)) {
      return HttpVersion.HTTP_1_1;
    }
    if (HttpVersion.HTTP_1_0.text().equals(text)) {
      return HttpVersion.HTTP_1_0;
    }
    return null;
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    throw new IllegalArgumentException("both Content-Length and Transfer-Encoding");
  }
}
