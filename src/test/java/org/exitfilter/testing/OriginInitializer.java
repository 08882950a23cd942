package org.exitfilter.testing;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import java.util.function.Consumer;

/** Builds an origin connection's pipeline: optional TLS, the HTTP codec, the endpoints. */
final class OriginInitializer extends ChannelInitializer<SocketChannel> {
  static final String CODEC = "http-codec";
  static final String ORIGIN = "origin";

  // Generous limits: the origin must accept whatever the proxy lets through, so a limit test
  // fails at the proxy, not here.
  private static final int MAX_INITIAL_LINE = 64 * 1024;
  private static final int MAX_HEADER_SIZE = 256 * 1024;

  private final RequestLog requestLog;
  private final ChannelGroup connections;
  private final String rootText;
  private final Consumer<ChannelPipeline> addTls;

  /**
   * @param addTls adds the TLS handlers at the head of the pipeline, or {@code null} for cleartext
   */
  OriginInitializer(
      RequestLog requestLog,
      ChannelGroup connections,
      String rootText,
      Consumer<ChannelPipeline> addTls) {
    this.requestLog = requestLog;
    this.connections = connections;
    this.rootText = rootText;
    this.addTls = addTls;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    int connection = requestLog.connectionAccepted();
    connections.add(channel);
    ChannelPipeline pipeline = channel.pipeline();
    if (addTls != null) {
      addTls.accept(pipeline);
    }
    pipeline.addLast(
        CODEC,
        new HttpServerCodec(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE)
                .setMaxChunkSize(OriginHandler.CHUNK)));
    pipeline.addLast(ORIGIN, new OriginHandler(connection, requestLog, rootText));
  }
}
