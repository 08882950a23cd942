package org.exitfilter.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.handler.codec.dns.DefaultDnsOptEcsRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.resolver.dns.DnsCacheEntry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The proxy's DNS cache: answers as Netty caches them, but bounded in names and in time. */
class DnsAnswerCacheTest {
  private static final DnsRecord[] NONE = new DnsRecord[0];

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final Ticker ticker = nanos::get;
  private final DnsAnswerCache cache = new DnsAnswerCache(100, Duration.ofSeconds(60), ticker);

  private void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
  }

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  private List<InetAddress> addressesOf(String name) {
    return cache.get(name, NONE).stream().map(DnsCacheEntry::address).toList();
  }

  @Test
  void theAddressesOfAnAnswerAreKeptForItsTtl() throws Exception {
    cache.cache("example.test", NONE, ip("192.0.2.1"), 30, null);
    cache.cache("example.test.", NONE, ip("2001:db8::1"), 30, null);

    assertThat(addressesOf("example.test.")).containsExactly(ip("192.0.2.1"), ip("2001:db8::1"));
    advance(Duration.ofSeconds(29));
    assertThat(addressesOf("example.test")).hasSize(2);
    advance(Duration.ofSeconds(2));
    assertThat(addressesOf("example.test")).as("after its TTL of 30 s").isEmpty();
  }

  @Test
  void noAnswerIsKeptLongerThanTheLimitWhateverItsTtl() throws Exception {
    cache.cache("long.test", NONE, ip("192.0.2.2"), Duration.ofDays(365).toSeconds(), null);

    advance(Duration.ofSeconds(59));
    assertThat(addressesOf("long.test")).containsExactly(ip("192.0.2.2"));
    advance(Duration.ofSeconds(2));
    assertThat(addressesOf("long.test")).as("a year's TTL, kept a minute").isEmpty();
  }

  @Test
  void aClientAskingForAnewNameEveryTimeFillsNoMoreThanTheLimit() throws Exception {
    InetAddress address = ip("192.0.2.3");
    IntStream.range(0, 1_000)
        .forEach(i -> cache.cache("n" + i + ".attacker.test", NONE, address, 86_400, null));

    long kept =
        IntStream.range(0, 1_000)
            .filter(i -> !addressesOf("n" + i + ".attacker.test").isEmpty())
            .count();

    assertThat(kept).isBetween(1L, 100L);
  }

  @Test
  void failuresAnswersWithoutTtlAndQueriesWithAdditionalRecordsAreNotKept() throws Exception {
    DnsCacheEntry failure = cache.cache("fail.test", NONE, new RuntimeException("SERVFAIL"), null);
    cache.cache("zero.test", NONE, ip("192.0.2.4"), 0, null);
    DnsRecord[] subnet = {
      new DefaultDnsOptEcsRecord(1232, 24, new byte[] {(byte) 198, 51, 100, 0})
    };
    cache.cache("ecs.test", subnet, ip("192.0.2.5"), 300, null);

    assertThat(failure.cause()).hasMessage("SERVFAIL");
    assertThat(addressesOf("fail.test")).isEmpty();
    assertThat(addressesOf("zero.test")).isEmpty();
    assertThat(addressesOf("ecs.test")).isEmpty();
    assertThat(cache.get("ecs.test", subnet)).isEmpty();
  }

  @Test
  void aClearedNameIsAskedAgain() throws Exception {
    cache.cache("gone.test", NONE, ip("192.0.2.6"), 300, null);

    assertThat(cache.clear("gone.test")).isTrue();
    assertThat(addressesOf("gone.test")).isEmpty();
    assertThat(cache.clear("gone.test")).isFalse();
  }
}
