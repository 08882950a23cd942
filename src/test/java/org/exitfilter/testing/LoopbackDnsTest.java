package org.exitfilter.testing;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoopbackDnsTest {
  private static EventLoopGroup group;
  private LoopbackDns dns;
  private DnsNameResolver resolver;

  @BeforeAll
  static void startGroup() {
    group = Loopback.newGroup("dns-test-client");
  }

  @AfterAll
  static void stopGroup() {
    Loopback.shutdown(group);
  }

  @BeforeEach
  void start() {
    dns = LoopbackDns.start();
    resolver = resolver(ResolvedAddressTypes.IPV4_PREFERRED);
  }

  @AfterEach
  void stop() {
    resolver.close();
    dns.close();
  }

  /** A Netty resolver that asks only the loopback server, caches nothing and adds no suffixes. */
  private DnsNameResolver resolver(ResolvedAddressTypes types) {
    return new DnsNameResolverBuilder(group.next())
        .datagramChannelType(NioDatagramChannel.class)
        .nameServerProvider(new SingletonDnsServerAddressStreamProvider(dns.address()))
        .resolveCache(NoopDnsCache.INSTANCE)
        .searchDomains(List.of())
        .resolvedAddressTypes(types)
        .queryTimeoutMillis(1_000)
        .maxQueriesPerResolve(4)
        .build();
  }

  private List<InetAddress> resolveAll(String name) throws Exception {
    return resolver.resolveAll(name).get(5, TimeUnit.SECONDS);
  }

  @Test
  void answersAQueriesFromTheMap() throws Exception {
    dns.put("blocked.test", "127.0.0.1", "127.0.0.2");

    assertThat(resolveAll("blocked.test"))
        .extracting(InetAddress::getHostAddress)
        .containsExactly("127.0.0.1", "127.0.0.2");
    assertThat(dns.queries("blocked.test")).isPositive();
  }

  @Test
  void namesMatchWhateverTheirCaseAndTrailingDot() throws Exception {
    dns.put("Mixed.Test.", "127.0.0.3");

    assertThat(resolveAll("mixed.test"))
        .extracting(InetAddress::getHostAddress)
        .containsExactly("127.0.0.3");
    assertThat(resolveAll("MIXED.TEST."))
        .extracting(InetAddress::getHostAddress)
        .containsExactly("127.0.0.3");
  }

  @Test
  void answersAaaaQueriesWithTheIpv6Addresses() throws Exception {
    dns.put("six.test", "127.0.0.1", "::1");
    DnsNameResolver ipv6 = resolver(ResolvedAddressTypes.IPV6_ONLY);
    try {
      assertThat(ipv6.resolveAll("six.test").get(5, TimeUnit.SECONDS))
          .extracting(InetAddress::getHostAddress)
          .containsExactly("0:0:0:0:0:0:0:1");
    } finally {
      ipv6.close();
    }
  }

  @Test
  void unknownNamesAreNxdomain() throws Exception {
    ExecutionException failure =
        assertThrows(ExecutionException.class, () -> resolveAll("unknown.test"));

    assertThat(failure.getCause()).isInstanceOf(UnknownHostException.class);
    assertThat(queryCode("unknown.test", DnsRecordType.A)).isEqualTo(DnsResponseCode.NXDOMAIN);
    assertThat(dns.queries("unknown.test")).isPositive();
  }

  @Test
  void aChangedRecordIsAnsweredAtOnceAndARemovedOneIsNxdomain() throws Exception {
    dns.put("moving.test", "127.0.0.1");
    assertThat(resolveAll("moving.test"))
        .extracting(InetAddress::getHostAddress)
        .containsExactly("127.0.0.1");

    dns.put("moving.test", "127.0.0.9");
    assertThat(resolveAll("moving.test"))
        .extracting(InetAddress::getHostAddress)
        .containsExactly("127.0.0.9");

    dns.remove("moving.test");
    assertThat(queryCode("moving.test", DnsRecordType.A)).isEqualTo(DnsResponseCode.NXDOMAIN);
  }

  @Test
  void answersTxtQueriesWithOneRecordPerValueAndAOneSecondTtl() throws Exception {
    String long300 = "x".repeat(300);
    dns.putTxt("_verify.mail.test", "token=abc123", long300);

    List<String> texts = new ArrayList<>();
    List<Long> ttls = new ArrayList<>();
    AddressedEnvelope<DnsResponse, InetSocketAddress> envelope =
        resolver
            .query(new DefaultDnsQuestion("_verify.mail.test", DnsRecordType.TXT))
            .get(5, TimeUnit.SECONDS);
    try {
      DnsResponse response = envelope.content();
      for (int i = 0; i < response.count(DnsSection.ANSWER); i++) {
        DnsRawRecord record = response.recordAt(DnsSection.ANSWER, i);
        texts.add(txtValue(record.content()));
        ttls.add(record.timeToLive());
      }
    } finally {
      envelope.release();
    }

    assertThat(texts).containsExactly("token=abc123", long300);
    assertThat(ttls).containsOnly(1L);
  }

  @Test
  void aNameWithRecordsOfAnotherTypeGetsAnEmptyAnswer() throws Exception {
    dns.putTxt("text-only.test", "v=1");

    AddressedEnvelope<DnsResponse, InetSocketAddress> envelope =
        resolver
            .query(new DefaultDnsQuestion("text-only.test", DnsRecordType.A))
            .get(5, TimeUnit.SECONDS);
    try {
      assertThat(envelope.content().code()).isEqualTo(DnsResponseCode.NOERROR);
      assertThat(envelope.content().count(DnsSection.ANSWER)).isZero();
    } finally {
      envelope.release();
    }
  }

  @Test
  void servfailAndDropMakeResolutionFail() throws Exception {
    dns.servfail("broken.test");
    dns.drop("silent.test");

    assertThat(queryCode("broken.test", DnsRecordType.A)).isEqualTo(DnsResponseCode.SERVFAIL);
    assertThatThrownBy(() -> resolveAll("silent.test")).isInstanceOf(ExecutionException.class);
    assertThat(dns.queries("silent.test")).isPositive();
  }

  @Test
  void theTtlCanBeChanged() throws Exception {
    dns.ttl(Duration.ofSeconds(300)).put("long.test", "127.0.0.1");

    assertThat(firstAnswerTtl("long.test", DnsRecordType.A)).isEqualTo(300);
  }

  @Test
  void answersOverTcpOnTheSamePort() throws Exception {
    dns.put("tcp.test", "127.0.0.7");

    try (Socket socket = new Socket(dns.address().getAddress(), dns.port())) {
      socket.setSoTimeout(5_000);
      byte[] query = rawQuery(0x1234, "tcp.test", 1);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeShort(query.length);
      out.write(query);
      out.flush();

      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] response = new byte[in.readUnsignedShort()];
      in.readFully(response);

      assertThat(((response[0] & 0xff) << 8) | (response[1] & 0xff)).isEqualTo(0x1234);
      assertThat(response[3] & 0x0f).as("rcode").isZero();
      assertThat(((response[6] & 0xff) << 8) | (response[7] & 0xff)).as("answers").isOne();
      // The answer's address is the last four bytes of a one-answer A response.
      byte[] address = Arrays.copyOfRange(response, response.length - 4, response.length);
      assertThat(InetAddress.getByAddress(address).getHostAddress()).isEqualTo("127.0.0.7");
    }
    assertThat(dns.queries("tcp.test")).isOne();
  }

  @Test
  void putRefusesNamesWhereIpLiteralsBelong() {
    assertThatThrownBy(() -> dns.put("x.test", "not-an-ip"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private DnsResponseCode queryCode(String name, DnsRecordType type) throws Exception {
    AddressedEnvelope<DnsResponse, InetSocketAddress> envelope =
        resolver.query(new DefaultDnsQuestion(name, type)).get(5, TimeUnit.SECONDS);
    try {
      return envelope.content().code();
    } finally {
      envelope.release();
    }
  }

  private long firstAnswerTtl(String name, DnsRecordType type) throws Exception {
    AddressedEnvelope<DnsResponse, InetSocketAddress> envelope =
        resolver.query(new DefaultDnsQuestion(name, type)).get(5, TimeUnit.SECONDS);
    try {
      return envelope.content().recordAt(DnsSection.ANSWER, 0).timeToLive();
    } finally {
      envelope.release();
    }
  }

  /** The character-strings of TXT data, joined: how TXT verification values are read. */
  private static String txtValue(ByteBuf data) {
    StringBuilder value = new StringBuilder();
    ByteBuf copy = data.duplicate();
    while (copy.isReadable()) {
      int length = copy.readUnsignedByte();
      value.append(copy.readCharSequence(length, UTF_8));
    }
    return value.toString();
  }

  /** A one-question DNS query as its wire bytes (RFC 1035 section 4.1). */
  private static byte[] rawQuery(int id, String name, int type) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeShort(id);
    out.writeShort(0x0100); // recursion desired
    out.writeShort(1); // one question
    out.writeShort(0);
    out.writeShort(0);
    out.writeShort(0);
    for (String label : name.split("\\.")) {
      out.writeByte(label.length());
      out.write(label.getBytes(US_ASCII));
    }
    out.writeByte(0);
    out.writeShort(type);
    out.writeShort(1); // class IN
    return bytes.toByteArray();
  }
}
