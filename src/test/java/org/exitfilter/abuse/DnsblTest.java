package org.exitfilter.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.exitfilter.testing.LoopbackDns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DNSBL lookups against the project's loopback DNS server. */
class DnsblTest {
  LoopbackDns dns;

  @BeforeEach
  void start() {
    dns = LoopbackDns.start();
  }

  @AfterEach
  void stop() {
    dns.close();
  }

  static List<InetAddress> ours() throws Exception {
    return List.of(InetAddress.getByName("203.0.113.10"), InetAddress.getByName("2001:db8::10"));
  }

  @Test
  void namesAreReversedOctetsAndReversedNibbles() throws Exception {
    assertThat(Dnsbl.reversed(InetAddress.getByName("203.0.113.10"))).isEqualTo("10.113.0.203");
    assertThat(Dnsbl.reversed(InetAddress.getByName("2001:db8::10")))
        .isEqualTo("0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2");
  }

  @Test
  void aLoopbackAnswerIsAListingWithItsTextAndNxdomainIsNot() throws Exception {
    dns.put("2.0.0.127.bl.example.net", "127.0.0.2")
        .put("10.113.0.203.bl.example.net", "127.0.0.4")
        .putTxt("10.113.0.203.bl.example.net", "Listed for spam, see https://bl.example.net/");
    List<Dnsbl.Result> results = new Dnsbl(dns.address()).check(ours(), List.of("bl.example.net"));
    assertThat(results)
        .containsExactly(
            new Dnsbl.Result(
                "bl.example.net",
                "203.0.113.10",
                Dnsbl.Status.LISTED,
                "Listed for spam, see https://bl.example.net/"),
            new Dnsbl.Result(
                "bl.example.net", "2001:db8:0:0:0:0:0:10", Dnsbl.Status.NOT_LISTED, null));
  }

  @Test
  void errorCodesAreUnknownAndAZoneWithoutItsTestEntryIsDead() throws Exception {
    dns.put("2.0.0.127.errors.example.net", "127.0.0.2")
        .put("10.113.0.203.errors.example.net", "127.255.255.254")
        .servfail(
            "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.errors.example.net");
    List<Dnsbl.Result> results =
        new Dnsbl(dns.address()).check(ours(), List.of("errors.example.net", "dead.example.net"));
    assertThat(results)
        .extracting(Dnsbl.Result::zone, Dnsbl.Result::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("errors.example.net", Dnsbl.Status.UNKNOWN),
            org.assertj.core.groups.Tuple.tuple("errors.example.net", Dnsbl.Status.UNKNOWN),
            org.assertj.core.groups.Tuple.tuple("dead.example.net", Dnsbl.Status.DEAD),
            org.assertj.core.groups.Tuple.tuple("dead.example.net", Dnsbl.Status.DEAD));
    assertThat(results.get(0).reason()).isEqualTo("the zone answered 127.255.255.254");
  }
}
