package org.exitfilter.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.config.RuleKind.DOMAIN;
import static org.exitfilter.config.RuleKind.HOST;
import static org.exitfilter.config.RuleKind.NETWORK;
import static org.exitfilter.config.RuleKind.PATTERN;
import static org.exitfilter.match.TestLists.list;

import java.time.LocalDate;
import java.util.List;
import org.exitfilter.config.Ports;
import org.exitfilter.config.RuleKind;
import org.junit.jupiter.api.Test;

/**
 * Which shared bans the operator's exceptions lift whole, so that the notice leaves them out: a
 * table of bans and exceptions, and the last day of a veto when exceptions expire.
 */
class LocalVetoTest {
  private static final LocalDate FOR_GOOD = LocalDate.MAX;

  private record Case(
      String why, TestLists exceptions, RuleKind kind, String ban, Ports ports, LocalDate last) {}

  private static Case vetoed(String why, TestLists exceptions, RuleKind kind, String ban) {
    return new Case(why, exceptions, kind, ban, Ports.ALL, FOR_GOOD);
  }

  private static Case inForce(String why, TestLists exceptions, RuleKind kind, String ban) {
    return new Case(why, exceptions, kind, ban, Ports.ALL, null);
  }

  @Test
  void aBanIsVetoedOnlyWhenAnExceptionCoversAllOfIt() {
    List<Case> cases =
        List.of(
            vetoed("the same domain", list().except(DOMAIN, "example.org"), DOMAIN, "example.org"),
            vetoed("a parent domain", list().except(DOMAIN, "org"), DOMAIN, "ads.example.org"),
            inForce(
                "a host exception leaves the names under the domain banned",
                list().except(HOST, "example.org"),
                DOMAIN,
                "example.org"),
            inForce(
                "a subdomain's exception leaves the rest banned",
                list().except(DOMAIN, "www.example.org"),
                DOMAIN,
                "example.org"),
            vetoed(
                "a host by its domain",
                list().except(DOMAIN, "example.org"),
                HOST,
                "a.example.org"),
            vetoed("a host by itself", list().except(HOST, "a.example.org"), HOST, "a.example.org"),
            vetoed(
                "a pattern by the domain of its fixed labels",
                list().except(DOMAIN, "cdn.example.org"),
                PATTERN,
                "*.cdn.example.org"),
            vetoed(
                "a pattern by the same pattern",
                list().except(PATTERN, "www.*.example"),
                PATTERN,
                "www.*.example"),
            inForce(
                "a domain that takes in a label under the *",
                list().except(DOMAIN, "0.example"),
                PATTERN,
                "www.*.example"),
            vetoed(
                "a network by a wider one",
                list().except(NETWORK, "203.0.0.0/16"),
                NETWORK,
                "203.0.113.0/24"),
            inForce(
                "a network by a narrower one",
                list().except(NETWORK, "203.0.113.0/25"),
                NETWORK,
                "203.0.113.0/24"),
            vetoed(
                "an IPv6 network",
                list().except(NETWORK, "2001:db8::/32"),
                NETWORK,
                "2001:db8:1::/48"),
            inForce(
                "a name exception never lifts a network",
                list().except(DOMAIN, "example.org"),
                NETWORK,
                "203.0.113.0/24"),
            new Case(
                "an exception on some of the ports leaves the others banned",
                list().except(DOMAIN, "example.org", Ports.of(443)),
                DOMAIN,
                "example.org",
                Ports.ALL,
                null),
            new Case(
                "an exception on every port of the ban",
                list().except(DOMAIN, "example.org", Ports.of(80, 443, 8080)),
                DOMAIN,
                "example.org",
                Ports.of(80, 443),
                FOR_GOOD),
            new Case(
                "an exception on other ports",
                list().except(DOMAIN, "example.org", Ports.of(8080)),
                DOMAIN,
                "example.org",
                Ports.of(80),
                null));
    for (Case c : cases) {
      LocalVeto veto = LocalVeto.of(c.exceptions().build().exceptions());
      assertThat(veto.lastDay(c.kind(), c.ban(), c.ports())).as(c.why()).isEqualTo(c.last());
    }
  }

  @Test
  void aVetoEndsWithTheLastDayOfTheExceptionsThatCoverTheBan() {
    LocalDate tenth = LocalDate.of(2026, 12, 10);
    LocalDate twentieth = LocalDate.of(2026, 12, 20);
    LocalVeto veto =
        LocalVeto.of(
            list()
                .add(DOMAIN, "example.org", true, Ports.ALL, tenth)
                .add(DOMAIN, "org", true, Ports.ALL, twentieth)
                .add(DOMAIN, "example.net", true, Ports.ALL, tenth)
                .build()
                .exceptions());

    assertThat(veto.lastDay(HOST, "a.example.org", Ports.ALL))
        .as("the wider exception holds after the narrower one ends")
        .isEqualTo(twentieth);
    assertThat(veto.lastDay(HOST, "a.example.net", Ports.ALL)).isEqualTo(tenth);
    assertThat(veto.lastDay(HOST, "a.example.com", Ports.ALL)).isNull();
  }

  @Test
  void withoutExceptionsNothingIsAsked() {
    assertThat(LocalVeto.of(List.of())).isSameAs(LocalVeto.NONE);
    assertThat(LocalVeto.NONE.mayVeto(DOMAIN)).isFalse();
    assertThat(
            LocalVeto.of(list().except(NETWORK, "10.0.0.0/8").build().exceptions()).mayVeto(HOST))
        .as("network exceptions veto no name")
        .isFalse();
  }
}
