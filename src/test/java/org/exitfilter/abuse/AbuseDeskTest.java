package org.exitfilter.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.exitfilter.config.ConfigLoader;
import org.exitfilter.config.Limits;
import org.exitfilter.config.ProxyConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The desk against real servers on loopback: an RDAP server (the JDK's HTTP server with RDAP JSON),
 * and GreenMail's SMTP and IMAP servers. The test mails are in {@code src/test/resources/abuse/}.
 */
class AbuseDeskTest {
  static final List<String> MAILS =
      List.of(
          "01-isp-forward-attached-en.eml",
          "02-isp-forward-inline-de.eml",
          "03-not-ours-en.eml",
          "04-duplicate-of-01.eml",
          "05-arf.eml",
          "06-xarf-login-attack.eml",
          "07-brute-force-plain-en.eml",
          "08-copyright-en.eml",
          "09-dnsbl-listing-en.eml",
          "10-legal-de.eml",
          "11-ban-request-de.eml",
          "12-other-en.eml",
          "13-unreadable.eml",
          "14-html-forum-spam-en.eml");

  static final String RDAP_EXAMPLE_COM =
      """
      {"objectClassName": "domain", "ldhName": "example.com",
       "entities": [{"objectClassName": "entity", "roles": ["registrar"],
         "entities": [{"objectClassName": "entity", "roles": ["abuse"],
           "vcardArray": ["vcard", [["version", {}, "text", "4.0"],
             ["fn", {}, "text", "Abuse"], ["email", {}, "text", "abuse-desk@example.com"]]]}]}]}
      """;

  @TempDir Path dir;
  HttpServer rdap;
  GreenMail mail;
  int rdapQueries;

  @BeforeEach
  void startServers() throws IOException {
    rdap = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    rdap.createContext(
        "/",
        exchange -> {
          synchronized (this) {
            rdapQueries++;
          }
          boolean known = exchange.getRequestURI().getPath().equals("/domain/example.com");
          byte[] body = known ? RDAP_EXAMPLE_COM.getBytes(StandardCharsets.UTF_8) : new byte[0];
          exchange.getResponseHeaders().set("Content-Type", "application/rdap+json");
          exchange.sendResponseHeaders(known ? 200 : 404, known ? body.length : -1);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    rdap.start();
    mail =
        new GreenMail(
            new ServerSetup[] {
              new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
              new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)
            });
    mail.start();
    mail.setUser("abuse@exitnode-operator.example", "exit1", "imap-password");
  }

  @AfterEach
  void stopServers() {
    mail.stop();
    rdap.stop(0);
  }

  AbuseDesk desk() throws Exception {
    return desk(false);
  }

  AbuseDesk desk(boolean starttls) throws Exception {
    Files.writeString(dir.resolve("blocklist.yaml"), "");
    Files.writeString(dir.resolve("imap.secret"), "imap-password\n");
    Path config = dir.resolve("exitfilter.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "allow-private-destinations: true",
            "abuse:",
            "  addresses: [203.0.113.10, 2001:db8::10]",
            "  mailbox: abuse@exitnode-operator.example",
            "  smtp: { host: 127.0.0.1, port: "
                + mail.getSmtp().getPort()
                + ", starttls: "
                + starttls
                + " }",
            "  imap: { host: 127.0.0.1, port: "
                + mail.getImap().getPort()
                + ", tls: false, username: exit1, password-file: imap.secret }",
            "  rdap: [http://127.0.0.1:" + rdap.getAddress().getPort() + "/]",
            ""));
    return AbuseDesk.open(ConfigLoader.load(config));
  }

  Path mails() throws IOException {
    Path maildir = dir.resolve("Maildir");
    Files.createDirectories(maildir.resolve("new"));
    Files.createDirectories(maildir.resolve("cur"));
    for (String name : MAILS) {
      try (InputStream in = AbuseDeskTest.class.getResourceAsStream("/abuse/" + name)) {
        Files.write(maildir.resolve("new").resolve(name), in.readAllBytes());
      }
    }
    return maildir;
  }

  Map<String, AbuseDesk.Imported> importAll(AbuseDesk desk) throws Exception {
    return desk.importPath(mails()).stream()
        .collect(Collectors.toMap(AbuseDesk.Imported::source, Function.identity()));
  }

  /** The JSON keys of a case, without the id and deadline, which the table need not repeat. */
  static String row(AbuseCase c) {
    Map<String, Object> j = c.json();
    return Arrays.stream(
            new String[] {
              "state",
              "kind",
              "format",
              "reported-address",
              "ours",
              "provider-host",
              "forward-to",
              "cc",
              "isp-ticket",
              "ban-candidate"
            })
        .map(k -> k + "=" + j.get(k))
        .collect(Collectors.joining(" "));
  }

  @Test
  void everyTestMailBecomesTheCaseItShould() throws Exception {
    Map<String, AbuseDesk.Imported> imported = importAll(desk());
    Map<String, String> rows =
        imported.entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> row(e.getValue().c())));
    assertThat(rows)
        .containsEntry(
            "01-isp-forward-attached-en.eml",
            "state=open kind=spam format=isp-forward reported-address=203.0.113.10 ours=true"
                + " provider-host=webmail.example.com forward-to=abuse-desk@example.com"
                + " cc=abuse-team@isp.example.net isp-ticket=[Ticket#2026031410000123]"
                + " ban-candidate=null")
        .containsEntry(
            "02-isp-forward-inline-de.eml",
            "state=open kind=spam format=isp-forward reported-address=2001:db8:0:0:0:0:0:10"
                + " ours=true provider-host=mail.example.org forward-to=abuse@example.org"
                + " cc=abuse@isp.example.net isp-ticket=[Ticket#2026031510000456]"
                + " ban-candidate=null")
        .containsEntry(
            "03-not-ours-en.eml",
            "state=open kind=spam format=isp-forward reported-address=198.51.100.77 ours=false"
                + " provider-host=null forward-to=null cc=security@isp.example.net"
                + " isp-ticket=[Ticket#2026031610000789] ban-candidate=null")
        .containsEntry(
            "05-arf.eml",
            "state=open kind=spam format=arf reported-address=203.0.113.10 ours=true"
                + " provider-host=webmail.example.net forward-to=abuse@example.net cc=null"
                + " isp-ticket=null ban-candidate=null")
        .containsEntry(
            "06-xarf-login-attack.eml",
            "state=open kind=brute-force format=xarf reported-address=203.0.113.10 ours=true"
                + " provider-host=null forward-to=null cc=null isp-ticket=null"
                + " ban-candidate=honeypot.example.net")
        .containsEntry(
            "07-brute-force-plain-en.eml",
            "state=open kind=brute-force format=plain reported-address=203.0.113.10 ours=true"
                + " provider-host=null forward-to=null cc=null isp-ticket=null"
                + " ban-candidate=forum.example.org")
        .containsEntry(
            "08-copyright-en.eml",
            "state=open kind=copyright format=plain reported-address=203.0.113.10 ours=true"
                + " provider-host=null forward-to=null cc=null isp-ticket=null"
                + " ban-candidate=null")
        .containsEntry(
            "09-dnsbl-listing-en.eml",
            "state=open kind=dnsbl-listing format=plain reported-address=203.0.113.10 ours=true"
                + " provider-host=null forward-to=null cc=null isp-ticket=null"
                + " ban-candidate=null")
        .containsEntry(
            "10-legal-de.eml",
            "state=needs-operator kind=legal format=plain reported-address=203.0.113.10"
                + " ours=true provider-host=null forward-to=null cc=null isp-ticket=null"
                + " ban-candidate=null")
        .containsEntry(
            "11-ban-request-de.eml",
            "state=open kind=ban-request format=plain reported-address=203.0.113.10 ours=true"
                + " provider-host=null forward-to=null cc=null isp-ticket=null"
                + " ban-candidate=shop.example.org")
        .containsEntry(
            "12-other-en.eml",
            "state=open kind=other format=plain reported-address=null ours=null"
                + " provider-host=null forward-to=null cc=null isp-ticket=null"
                + " ban-candidate=null")
        .containsEntry(
            "13-unreadable.eml",
            "state=needs-attention kind=other format=plain reported-address=null ours=null"
                + " provider-host=null forward-to=null cc=null isp-ticket=null"
                + " ban-candidate=null")
        .containsEntry(
            "14-html-forum-spam-en.eml",
            "state=open kind=spam format=plain reported-address=203.0.113.10 ours=true"
                + " provider-host=null forward-to=null cc=null isp-ticket=null"
                + " ban-candidate=board.example.net");
    assertThat(imported.get("04-duplicate-of-01.eml").duplicate())
        .as("the same Message-ID is the same complaint")
        .isTrue();
    assertThat(imported.get("04-duplicate-of-01.eml").c().id())
        .isEqualTo(imported.get("01-isp-forward-attached-en.eml").c().id());
    AbuseCase first = imported.get("01-isp-forward-attached-en.eml").c();
    assertThat(first.reportedAt()).hasToString("2026-03-13T21:15:04Z");
    assertThat(first.deadline()).hasToString("2026-03-16T09:00:00Z");
    assertThat(first.json().keySet())
        .containsExactly(
            "id",
            "message-id",
            "state",
            "deadline",
            "kind",
            "format",
            "reported-address",
            "ours",
            "reported-at",
            "provider-host",
            "forward-to",
            "cc",
            "isp-ticket",
            "ban-candidate");
  }

  @Test
  void importingAgainChangesNothingAndEveryMailIsKept() throws Exception {
    AbuseDesk desk = desk();
    importAll(desk);
    Map<String, AbuseDesk.Imported> again = importAll(desk);
    assertThat(again.values()).allMatch(AbuseDesk.Imported::duplicate);
    try (var files = Files.list(desk.folder())) {
      assertThat(files.filter(f -> f.toString().endsWith(".eml")).count())
          .as("one kept mail per case, the unreadable one included")
          .isEqualTo(MAILS.size() - 1);
    }
    assertThat(desk.list(false)).hasSize(MAILS.size() - 1);
  }

  @Test
  void theForwardGoesToTheProviderWithTheIspInCopyAndTheOriginalAttached() throws Exception {
    AbuseDesk desk = desk();
    String id = importAll(desk).get("01-isp-forward-attached-en.eml").c().id();
    AbuseCase sent = desk.send(id);
    assertThat(sent.state()).isEqualTo("sent");
    assertThat(sent.sent()).hasSize(2);
    assertThat(desk.list(false)).extracting(AbuseCase::id).doesNotContain(id);

    MimeMessage[] received = mail.getReceivedMessages();
    // GreenMail keeps one copy per recipient: forward to the provider and its cc, feedback to ISP
    MimeMessage forward =
        Arrays.stream(received)
            .filter(m -> header(m, "To").equals("abuse-desk@example.com"))
            .findFirst()
            .orElseThrow();
    assertThat(header(forward, "Cc")).isEqualTo("abuse-team@isp.example.net");
    assertThat(header(forward, "From")).isEqualTo("abuse@exitnode-operator.example");
    assertThat(forward.getSubject())
        .isEqualTo(
            "Abuse: spam sent through webmail.example.com from 203.0.113.10"
                + " [Ticket#2026031410000123]");
    MimeMultipart parts = (MimeMultipart) forward.getContent();
    assertThat(parts.getBodyPart(1).getContentType()).startsWith("message/rfc822");
    MimeMessage attached =
        new MimeMessage(
            Session.getInstance(new Properties()), parts.getBodyPart(1).getInputStream());
    assertThat(attached.getMessageID()).isEqualTo("<spam-1@webmail.example.com>");
    MimeMessage feedback =
        Arrays.stream(received)
            .filter(m -> header(m, "To").equals("abuse-team@isp.example.net"))
            .filter(m -> header(m, "Cc").isEmpty())
            .findFirst()
            .orElseThrow();
    assertThat((String) feedback.getContent())
        .contains("we forwarded the complaint to abuse-desk@example.com");
    assertThatThrownBy(() -> desk.send(id)).hasMessageContaining("is sent, not open");
  }

  @Test
  void sendingWithStarttlsToAServerWithoutItFailsAndTheCaseStaysOpen() throws Exception {
    AbuseDesk desk = desk(true);
    String id = importAll(desk).get("01-isp-forward-attached-en.eml").c().id();
    assertThatThrownBy(() -> desk.send(id))
        .hasMessageContaining("does not offer STARTTLS")
        .hasMessageContaining("nothing was sent");
    assertThat(mail.getReceivedMessages()).isEmpty();
    assertThat(desk.get(id).state()).isEqualTo("open");
    assertThat(desk.get(id).sent()).isEmpty();
  }

  @Test
  void germanComplaintsGetGermanDraftsAndTheOperatorsTemplateWins() throws Exception {
    AbuseDesk desk = desk();
    AbuseCase german = importAll(desk).get("02-isp-forward-inline-de.eml").c();
    List<Draft> drafts = desk.drafts(german);
    assertThat(drafts).hasSize(2);
    assertThat(drafts.get(0).body()).contains("bitte löschen");
    assertThat(drafts.get(0).to()).isEqualTo("abuse@example.org");
    assertThat(drafts.get(1).body()).contains("weitergeleitet");

    Files.createDirectories(desk.folder().resolve("templates"));
    Files.writeString(
        desk.folder().resolve("templates/forward.de.txt"),
        "Subject: Eigener Betreff {{isp-ticket}}\n\nKonto über {{provider-host}} löschen.\n");
    Draft own = desk.drafts(german).get(0);
    assertThat(own.subject()).isEqualTo("Eigener Betreff [Ticket#2026031510000456]");
    assertThat(own.body()).isEqualTo("Konto über mail.example.org löschen.\n");
  }

  @Test
  void legalMailGetsNoDraftAndIsNeverSent() throws Exception {
    AbuseDesk desk = desk();
    AbuseCase legal = importAll(desk).get("10-legal-de.eml").c();
    assertThat(desk.drafts(legal)).isEmpty();
    assertThat(legal.note()).isEqualTo(AbuseDesk.LEGAL_ADVICE);
    assertThatThrownBy(() -> desk.send(legal.id())).hasMessageContaining("legal mail");
    assertThat(mail.getReceivedMessages()).isEmpty();
  }

  @Test
  void aReportAboutSomeoneElsesAddressIsSaidToBeSoAndNotForwarded() throws Exception {
    AbuseDesk desk = desk();
    AbuseCase other = importAll(desk).get("03-not-ours-en.eml").c();
    List<Draft> drafts = desk.drafts(other);
    assertThat(drafts).extracting(Draft::to).containsExactly("security@isp.example.net");
    assertThat(drafts.get(0).body()).contains("198.51.100.77 is not ours");
  }

  @Test
  void aSiteOwnersRequestBecomesABanRequestLinkedToTheCase() throws Exception {
    AbuseDesk desk = desk();
    AbuseCase ban = importAll(desk).get("11-ban-request-de.eml").c();
    assertThat(ban.banRequest()).as("linked to a request in requests/").isNotNull();
    assertThat(desk.get(ban.id()).banRequest()).isEqualTo(ban.banRequest());
    try (var files = Files.list(dir.resolve("requests"))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .anyMatch(name -> name.startsWith(ban.banRequest()));
    }
  }

  @Test
  void closingRecordsTheReason() throws Exception {
    AbuseDesk desk = desk();
    String id = importAll(desk).get("12-other-en.eml").c().id();
    desk.close(id, "answered by phone");
    assertThat(desk.get(id).state()).isEqualTo("closed");
    assertThat(desk.get(id).note()).isEqualTo("answered by phone");
    assertThat(desk.list(false)).extracting(AbuseCase::id).doesNotContain(id);
    assertThat(desk.list(true)).extracting(AbuseCase::id).contains(id);
  }

  @Test
  void imapImportReadsTheMailboxAndMatchesByMessageId() throws Exception {
    AbuseDesk desk = desk();
    for (String name : List.of("08-copyright-en.eml", "01-isp-forward-attached-en.eml")) {
      try (InputStream in = AbuseDeskTest.class.getResourceAsStream("/abuse/" + name)) {
        mail.getUserManager()
            .getUserByEmail("abuse@exitnode-operator.example")
            .deliver(
                new MimeMessage(
                    Session.getInstance(new Properties()),
                    new ByteArrayInputStream(in.readAllBytes())));
      }
    }
    List<AbuseDesk.Imported> first = desk.importImap();
    assertThat(first).extracting(i -> i.c().kind()).containsExactly(Kind.COPYRIGHT, Kind.SPAM);
    assertThat(first).noneMatch(AbuseDesk.Imported::duplicate);
    assertThat(desk.importImap()).allMatch(AbuseDesk.Imported::duplicate);
  }

  @Test
  void theRdapLookupIsRefusedForPrivateHostsUnlessAllowed() throws Exception {
    AbuseContacts refused =
        new AbuseContacts(
            List.of(java.net.URI.create("http://127.0.0.1:" + rdap.getAddress().getPort() + "/")),
            new ProxyConfig(
                dir.resolve("exitfilter.yaml"),
                new InetSocketAddress("127.0.0.1", 3128),
                List.of(),
                new InetSocketAddress("127.0.0.1", 53),
                Set.of(443),
                false,
                dir.resolve("blocklist.yaml"),
                null,
                null,
                Limits.DEFAULTS));
    assertThat(refused.lookup("webmail.example.com"))
        .as("the fallback, without asking the loopback server")
        .isEqualTo(new AbuseContacts.Contact("abuse@example.com", "rfc2142"));
    assertThat(rdapQueries).isZero();
    assertThat(AbuseContacts.registrableDomain("mail.example.co.uk")).isEqualTo("example.co.uk");
  }

  private static String header(Message m, String name) {
    try {
      String[] values = m.getHeader(name);
      return values == null ? "" : values[0];
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }
}
