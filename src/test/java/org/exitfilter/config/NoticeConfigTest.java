package org.exitfilter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.testing.ConfigFiles.problems;
import static org.exitfilter.testing.ConfigFiles.write;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoticeConfigTest {
  @TempDir Path dir;

  @Test
  void aWildcardListenAddressNeedsTheExitsAddressesForTheLinks() throws Exception {
    assertThat(
            problems(
                dir,
                "notice:",
                "  listen: [\"0.0.0.0:80\"]",
                "  operator: Example Exit",
                "  contact: abuse@exitnode-operator.example"))
        .containsExactly(
            "1:1 notice: listens on a wildcard address, so it needs addresses: (the exit's"
                + " outgoing addresses, e.g. [203.0.113.10]) for its pages to name and link to");
    assertThat(
            ConfigLoader.load(
                    write(
                        dir,
                        "notice:",
                        "  listen: [\"0.0.0.0:80\"]",
                        "  operator: Example Exit",
                        "  contact: abuse@exitnode-operator.example",
                        "  addresses: [203.0.113.10]"))
                .notice()
                .addresses())
        .containsExactly(InetAddress.getByName("203.0.113.10"));
  }

  @Test
  void withoutANoticeSectionThereIsNoNoticeListener() throws Exception {
    assertThat(ConfigLoader.load(write(dir, "# defaults")).notice()).isNull();
  }

  @Test
  void everyNoticeKeyIsRead() throws Exception {
    Files.writeString(dir.resolve("operator.asc"), "-----BEGIN PGP PUBLIC KEY BLOCK-----\n");
    Files.createDirectory(dir.resolve("notice"));
    NoticeConfig notice =
        ConfigLoader.load(
                write(
                    dir,
                    "notice:",
                    "  listen: [\"203.0.113.10:80\", \"[2001:db8::10]:80\"]",
                    "  operator: \"Example Exit e.V.\"",
                    "  contact: abuse@exitnode-operator.example",
                    "  pgp-key: operator.asc",
                    "  addresses: [198.51.100.7, 2001:db8::7]",
                    "  languages: [de, en]",
                    "  publish-requesters: true",
                    "  templates: notice/"))
            .notice();

    assertThat(notice.listen())
        .containsExactly(
            new InetSocketAddress(InetAddress.getByName("203.0.113.10"), 80),
            new InetSocketAddress(InetAddress.getByName("2001:db8::10"), 80));
    assertThat(notice.operator()).isEqualTo("Example Exit e.V.");
    assertThat(notice.contact()).isEqualTo("abuse@exitnode-operator.example");
    assertThat(notice.pgpKey()).isEqualTo(dir.resolve("operator.asc"));
    assertThat(notice.addresses())
        .containsExactly(
            InetAddress.getByName("198.51.100.7"), InetAddress.getByName("2001:db8::7"));
    assertThat(notice.languages()).containsExactly("de", "en");
    assertThat(notice.publishRequesters()).isTrue();
    assertThat(notice.templates()).isEqualTo(dir.resolve("notice/"));
  }

  @Test
  void leftOutKeysTakeTheirDefaultsAndTheAddressesAreTheListenAddresses() throws Exception {
    NoticeConfig notice =
        ConfigLoader.load(
                write(
                    dir,
                    "notice:",
                    "  listen: [\"203.0.113.10:80\", \"203.0.113.10:8080\", \"[::1]:80\"]",
                    "  operator: Exit",
                    "  contact: abuse@exit.example"))
            .notice();

    assertThat(notice.addresses())
        .containsExactly(InetAddress.getByName("203.0.113.10"), InetAddress.getByName("::1"));
    assertThat(notice.languages()).containsExactly("en", "de");
    assertThat(notice.publishRequesters()).isFalse();
    assertThat(notice.pgpKey()).isNull();
    assertThat(notice.templates()).isNull();
  }

  @Test
  void aPublicNoticeAddressNeedsNoClientsList() throws Exception {
    ProxyConfig config =
        ConfigLoader.load(
            write(
                dir,
                "notice:",
                "  listen: \"0.0.0.0:80\"",
                "  operator: Exit",
                "  contact: abuse@exit.example",
                "  addresses: [203.0.113.10]"));

    assertThat(config.clients()).isEmpty();
    assertThat(config.notice().listen())
        .containsExactly(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 80));
  }

  @Test
  void everyNoticeMistakeIsReportedAtItsLineAndColumn() throws Exception {
    assertThat(
            problems(
                dir,
                "notice:",
                "  listen: [\"example.org:80\"]",
                "  contact: not-an-address",
                "  pgp-key: missing.asc",
                "  addresses: [203.0.113.300]",
                "  languages: [en, EN, en]",
                "  publish-requesters: maybe",
                "  templates: nowhere/",
                "  languags: [en]"))
        .containsExactly(
            "1:1 notice: needs operator: (who runs the exit, e.g. operator: \"Example Exit"
                + " e.V.\"), or leave notice: out",
            "2:12 listen needs an IP address and a port, such as 127.0.0.1:3128 or [::1]:3128,"
                + " not 'example.org:80'",
            "3:12 contact must be an email address such as abuse@exit.example, not"
                + " 'not-an-address'",
            "4:12 pgp-key: "
                + dir.resolve("missing.asc")
                + " not found (a relative path is relative to the configuration's folder)",
            "5:15 addresses: each must be an IP address such as 203.0.113.10 or 2001:db8::10,"
                + " not '203.0.113.300'",
            "6:19 languages: each must be a two- or three-letter language code in lower case,"
                + " such as en or de, not 'EN'",
            "6:23 languages: en is listed twice",
            "7:23 publish-requesters must be true or false, not 'maybe'",
            "8:14 templates: "
                + dir.resolve("nowhere/")
                + " not found (a relative path is relative to the configuration's folder)",
            "9:3 unknown key 'languags' (did you mean 'languages'?); allowed keys: listen,"
                + " operator, contact, pgp-key, addresses, languages, publish-requesters,"
                + " templates");
  }
}
