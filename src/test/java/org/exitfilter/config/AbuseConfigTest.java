package org.exitfilter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.testing.ConfigFiles.problems;
import static org.exitfilter.testing.ConfigFiles.write;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AbuseConfigTest {
  @TempDir Path dir;

  @Test
  void leftOutTheDeskAndTheWatchAreOff() throws Exception {
    ProxyConfig config = ConfigLoader.load(write(dir, "listen: 127.0.0.1:3128"));
    assertThat(config.abuse()).isNull();
    assertThat(config.dnsbl()).isNull();
  }

  @Test
  void theIssuesExampleIsReadWithItsDefaults() throws Exception {
    ProxyConfig config =
        ConfigLoader.load(
            write(
                dir,
                "abuse:",
                "  addresses: [203.0.113.10, 2001:db8::10]",
                "  mailbox: abuse@exitnode-operator.example",
                "  smtp: { host: mail.example.net, port: 587, starttls: true, username: exit1,"
                    + " password-file: smtp.secret }",
                "  imap: { host: mail.example.net, port: 993, tls: true, username: exit1,"
                    + " password-file: imap.secret, folder: INBOX }",
                "  rdap: [https://rdap.example.net/]",
                "dnsbl:",
                "  zones: [zen.spamhaus.org, bl.spamcop.net]",
                "  interval: 1h"));
    AbuseConfig abuse = config.abuse();
    assertThat(abuse.addresses())
        .containsExactly(
            InetAddress.getByName("203.0.113.10"), InetAddress.getByName("2001:db8::10"));
    assertThat(abuse.mailbox()).isEqualTo("abuse@exitnode-operator.example");
    assertThat(abuse.smtp())
        .isEqualTo(
            new AbuseConfig.Smtp(
                "mail.example.net", 587, true, "exit1", dir.resolve("smtp.secret")));
    assertThat(abuse.imap().folder()).isEqualTo("INBOX");
    assertThat(abuse.imap().passwordFile()).isEqualTo(dir.resolve("imap.secret"));
    assertThat(abuse.rdap()).containsExactly(URI.create("https://rdap.example.net/"));
    assertThat(abuse.deadline()).isEqualTo(Duration.ofHours(48));
    assertThat(config.dnsbl().zones()).containsExactly("zen.spamhaus.org", "bl.spamcop.net");
    assertThat(config.dnsbl().interval()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void mistakesAreReportedAtTheirLineAndColumn() throws Exception {
    assertThat(
            problems(
                dir,
                "abuse:",
                "  addresses: [203.0.113.10, mail.example.net]",
                "  mailbox: nobody",
                "  smtp: { host: mail.example.net, port: 99999 }",
                "  rdap: [ftp://rdap.example.net/]",
                "  deadlin: 48h",
                "dnsbl:",
                "  zones: [zen..example]"))
        .containsExactly(
            "2:29 addresses: each item must be an IP address such as 203.0.113.10 or"
                + " 2001:db8::10, not 'mail.example.net'",
            "3:12 mailbox: must be a mail address such as abuse@example.net, not 'nobody'",
            "4:41 port must be a number from 1 to 65535, not '99999'",
            "5:10 rdap: each item must be an http(s) URL such as https://rdap.example.net/, not"
                + " 'ftp://rdap.example.net/'",
            "6:3 unknown key 'deadlin' (did you mean 'deadline'?); allowed keys: addresses,"
                + " mailbox, smtp, imap, rdap, deadline",
            "8:11 zones: each item must be a DNS zone such as zen.spamhaus.org, not"
                + " 'zen..example'");
  }

  @Test
  void withoutItsOwnAddressesTheDeskTakesTheNoticesWhereverNoticeIsWritten() throws Exception {
    ProxyConfig config =
        ConfigLoader.load(
            write(
                dir,
                "abuse:",
                "  mailbox: abuse@exitnode-operator.example",
                "notice:",
                "  listen: [\"127.0.0.1:8080\"]",
                "  operator: Example Exit",
                "  contact: abuse@exitnode-operator.example",
                "  addresses: [203.0.113.10, 2001:db8::10]"));

    assertThat(config.abuse().addresses())
        .containsExactly(
            InetAddress.getByName("203.0.113.10"), InetAddress.getByName("2001:db8::10"));
  }

  @Test
  void theDeskNeedsItsAddressesAndMailboxAndTheWatchNeedsTheDesk() throws Exception {
    assertThat(problems(dir, "abuse:", "  deadline: 24h"))
        .containsExactly(
            "1:1 abuse: needs addresses:, the exit's outgoing addresses, e.g. [203.0.113.10]"
                + " (or notice: addresses:, which it then uses)",
            "1:1 abuse: needs mailbox:, the operator's From address for replies");
    assertThat(problems(dir, "dnsbl:", "  zones: [zen.spamhaus.org]"))
        .containsExactly("1:1 dnsbl: checks abuse: addresses:, so it needs abuse: too");
  }
}
