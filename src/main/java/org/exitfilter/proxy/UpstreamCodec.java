package org.exitfilter.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.util.AsciiString;
import io.netty.util.CharsetUtil;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;

/**
 * The codec of an upstream HTTP connection: Netty's {@code HttpClientCodec} as this proxy uses it
 * (no CONNECT, no upgrade, no count of missing responses), with the field names of responses taken
 * from {@link KnownFieldNames#RESPONSE} instead of copied, which {@code HttpClientCodec} does not
 * allow, and held in {@link CompactHeaders} sized from the connection's last response. As there, a
 * response to a HEAD request has no body whatever its framing fields say, and an informational
 * response does not answer the request.
 */
final class UpstreamCodec
    extends CombinedChannelDuplexHandler<UpstreamCodec.Decoder, UpstreamCodec.Encoder> {
  /** The methods of the requests sent and not yet answered, oldest first. */
  private final Queue<HttpMethod> methods = new ArrayDeque<>(2);

  UpstreamCodec(int maxInitialLineLength, int maxHeaderSize, int maxChunkSize) {
    CompactHeaders.PerConnection fields = CompactHeaders.perConnection();
    init(
        new Decoder(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(maxInitialLineLength)
                .setMaxHeaderSize(maxHeaderSize)
                .setMaxChunkSize(maxChunkSize)
                .setHeadersFactory(fields)
                .setTrailersFactory(fields.trailers()),
            fields),
        new Encoder());
  }

  final class Encoder extends HttpRequestEncoder {
    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out)
        throws Exception {
      if (msg instanceof HttpRequest request) {
        methods.offer(request.method());
      }
      super.encode(ctx, msg, out);
    }

    /**
     * A forwarded {@link ClientRequest}'s target is written from the client's characters (see
     * {@link RequestTarget#writeOriginForm}), the rest of the line as Netty's: the same bytes as
     * Netty's encoder writes for the origin form as a string.
     */
    @Override
    protected void encodeInitialLine(ByteBuf buf, HttpRequest request) throws Exception {
      RequestTarget target =
          request instanceof ClientRequest client ? client.forwardedTarget() : null;
      if (target == null) {
        super.encodeInitialLine(buf, request);
        return;
      }
      ByteBufUtil.copy(request.method().asciiName(), buf);
      buf.writeByte(' ');
      target.writeOriginForm(buf);
      buf.writeByte(' ');
      buf.writeCharSequence(request.protocolVersion().text(), CharsetUtil.US_ASCII);
      buf.writeShort(('\r' << 8) | '\n');
    }

    /** Fields by index, not through an iterator per request (see {@link CompactHeaders#encode}). */
    @Override
    protected void encodeHeaders(HttpHeaders headers, ByteBuf buf) {
      if (headers instanceof CompactHeaders compact) {
        compact.encode(buf);
      } else {
        super.encodeHeaders(headers, buf);
      }
    }
  }

  final class Decoder extends HttpResponseDecoder {
    /** The status code of the line being split, or -1. */
    private int statusCode = -1;

    private final CompactHeaders.PerConnection fields;

    Decoder(HttpDecoderConfig config, CompactHeaders.PerConnection fields) {
      super(config);
      this.fields = fields;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
        throws Exception {
      int before = out.size();
      super.decode(ctx, in, out);
      for (int i = before; i < out.size(); i++) {
        if (out.get(i) instanceof HttpResponse response) {
          fields.decoded(response);
        }
      }
    }

    @Override
    protected AsciiString splitHeaderName(byte[] bytes, int start, int length) {
      AsciiString known = KnownFieldNames.RESPONSE.find(bytes, start, length);
      return known != null ? known : super.splitHeaderName(bytes, start, length);
    }

    /**
     * The version, status code and reason phrase of a status line are shared constants when they
     * are spelled as Netty's own ({@code HTTP/1.1 200 OK}), instead of three fresh strings per
     * response; anything else is copied as before. The status code is remembered between the calls,
     * which Netty makes in order for one line.
     */
    @Override
    protected String splitFirstWordInitialLine(byte[] bytes, int start, int length) {
      statusCode = -1;
      String version = StatusLineWords.version(bytes, start, length);
      return version != null ? version : super.splitFirstWordInitialLine(bytes, start, length);
    }

    @Override
    protected String splitSecondWordInitialLine(byte[] bytes, int start, int length) {
      String code = StatusLineWords.code(bytes, start, length);
      if (code == null) {
        return super.splitSecondWordInitialLine(bytes, start, length);
      }
      statusCode = Integer.parseInt(code);
      return code;
    }

    @Override
    protected String splitThirdWordInitialLine(byte[] bytes, int start, int length) {
      String reason = StatusLineWords.reason(statusCode, bytes, start, length);
      return reason != null ? reason : super.splitThirdWordInitialLine(bytes, start, length);
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
      if (((HttpResponse) msg).status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        return super.isContentAlwaysEmpty(msg);
      }
      return HttpMethod.HEAD.equals(methods.poll()) || super.isContentAlwaysEmpty(msg);
    }
  }
}
