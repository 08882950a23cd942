package org.exitfilter.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers DNS queries, over UDP or TCP, from the records of a {@link LoopbackDns}. The query is
 * released by {@link SimpleChannelInboundHandler}; the response and its records belong to the
 * encoder once written.
 */
@Sharable
final class DnsAnswerer extends SimpleChannelInboundHandler<DnsQuery> {
  private static final Logger log = LoggerFactory.getLogger(DnsAnswerer.class);
  private static final int MAX_TXT_STRING = 255;

  private final LoopbackDns dns;

  DnsAnswerer(LoopbackDns dns) {
    this.dns = dns;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DnsQuery query) {
    if (query.count(DnsSection.QUESTION) != 1) {
      ctx.writeAndFlush(response(query, DnsResponseCode.FORMERR));
      return;
    }
    DnsQuestion question = query.recordAt(DnsSection.QUESTION);
    String name = LoopbackDns.normalize(question.name());
    dns.counted(name);
    switch (dns.behaviour(name)) {
      case DROP -> {
        // No answer at all: the client's query times out.
      }
      case SERVFAIL ->
          ctx.writeAndFlush(withQuestion(response(query, DnsResponseCode.SERVFAIL), question));
      case ANSWER -> ctx.writeAndFlush(answer(ctx, query, question, name));
      case HOLD -> dns.held(new LoopbackDns.HeldQuery(ctx, query.retain(), question, name));
    }
  }

  /** Answers a query {@link LoopbackDns#hold} kept, on its channel's event loop. */
  void answerHeld(LoopbackDns.HeldQuery held) {
    try {
      held.ctx().writeAndFlush(answer(held.ctx(), held.query(), held.question(), held.name()));
    } finally {
      held.query().release();
    }
  }

  private DnsResponse answer(
      ChannelHandlerContext ctx, DnsQuery query, DnsQuestion question, String name) {
    if (!dns.exists(name)) {
      return withQuestion(response(query, DnsResponseCode.NXDOMAIN), question);
    }
    DnsResponse response = withQuestion(response(query, DnsResponseCode.NOERROR), question);
    DnsRecordType type = question.type();
    long ttl = dns.ttlSeconds();
    if (type.equals(DnsRecordType.A) || type.equals(DnsRecordType.AAAA)) {
      Class<? extends InetAddress> family =
          type.equals(DnsRecordType.A) ? Inet4Address.class : Inet6Address.class;
      for (InetAddress address : dns.addresses(name)) {
        if (family.isInstance(address)) {
          byte[] bytes = address.getAddress();
          ByteBuf content = ctx.alloc().buffer(bytes.length).writeBytes(bytes);
          response.addRecord(
              DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), type, ttl, content));
        }
      }
    } else if (type.equals(DnsRecordType.TXT)) {
      for (String text : dns.texts(name)) {
        response.addRecord(
            DnsSection.ANSWER,
            new DefaultDnsRawRecord(question.name(), type, ttl, txtData(ctx, text)));
      }
    }
    return response;
  }

  /** TXT data: the value as character-strings of at most 255 bytes, each length-prefixed. */
  private static ByteBuf txtData(ChannelHandlerContext ctx, String text) {
    byte[] bytes = text.getBytes(UTF_8);
    ByteBuf data = ctx.alloc().buffer(bytes.length + bytes.length / MAX_TXT_STRING + 1);
    int offset = 0;
    do {
      int length = Math.min(MAX_TXT_STRING, bytes.length - offset);
      data.writeByte(length).writeBytes(bytes, offset, length);
      offset += length;
    } while (offset < bytes.length);
    return data;
  }

  private static DnsResponse response(DnsQuery query, DnsResponseCode code) {
    DnsResponse response =
        query instanceof DatagramDnsQuery datagram
            ? new DatagramDnsResponse(
                datagram.recipient(), datagram.sender(), query.id(), query.opCode(), code)
            : new DefaultDnsResponse(query.id(), query.opCode(), code);
    response.setAuthoritativeAnswer(true);
    response.setRecursionDesired(query.isRecursionDesired());
    return response;
  }

  private static DnsResponse withQuestion(DnsResponse response, DnsQuestion question) {
    return response.addRecord(
        DnsSection.QUESTION,
        new DefaultDnsQuestion(question.name(), question.type(), question.dnsClass()));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      log.warn("loopback DNS failed on a query", cause);
    }
    if (ctx.channel() instanceof SocketChannel) {
      // A TCP stream that failed to decode cannot be resynchronized; the UDP socket must live on.
      ctx.close();
    }
  }
}
