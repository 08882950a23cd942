package org.exitfilter.requests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.exitfilter.config.RuleKind;
import org.exitfilter.requests.mail.CandidateFinder;
import org.exitfilter.requests.mail.Mail;
import org.exitfilter.requests.mail.MailReader;
import org.exitfilter.requests.store.BanRequest;
import org.exitfilter.requests.store.BanRequest.Candidate;
import org.exitfilter.requests.store.BanRequest.FoundIn;
import org.exitfilter.requests.store.BanRequest.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Real mail, as mailers write it, read into requests with the names the proxy would match. */
class MailImportTest {
  @TempDir Path dir;

  static Mail read(String fixture) throws Exception {
    try (InputStream in = MailImportTest.class.getResourceAsStream("/eml/" + fixture)) {
      return MailReader.read(in.readAllBytes());
    }
  }

  static List<Candidate> candidates(String fixture) throws Exception {
    return CandidateFinder.find(read(fixture)).candidates();
  }

  static List<String> names(String fixture) throws Exception {
    return candidates(fixture).stream().map(Candidate::name).toList();
  }

  @ParameterizedTest(name = "{0} names {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "plain.eml                 | forum.example.org",
        "html-only.eml             | www.shop-example.net",
        "multipart-attachments.eml | blog.example.com",
        "quoted-printable.eml      | xn--caf-dma.example",
        "base64.eml                | wiki.example.net",
        "subject-utf8.eml          | xn--bcher-kva.example",
        "subject-latin1.eml        | xn--cole-9oa.example",
        "forwarded.eml             | news.example.org, comments.news.example.org",
        "several-sites.eml         | alpha.example, beta.example, www.gamma.example",
        "ipv4-link.eml             | 192.0.2.7/32",
        "own-domain.eml            | shop.example.com",
        "quoted-reply.eml          | forum.example.org",
        "quoted-reply-html.eml     | forum.example.org",
      })
  void eachFixtureNamesExactlyItsSitesNormalizedAsTheProxyDoes(String fixture, String expected)
      throws Exception {
    assertThat(names(fixture)).containsExactly(expected.split(",\\s*"));
  }

  @Test
  void headersAreDecodedFromEncodedWordsInAnyCharset() throws Exception {
    Mail utf8 = read("subject-utf8.eml");
    assertThat(utf8.subject()).isEqualTo("Bitte sperren: bücher.example – danke");
    assertThat(utf8.senderName()).isEqualTo("Jürgen Müller");

    Mail latin1 = read("subject-latin1.eml");
    assertThat(latin1.subject()).isEqualTo("Blocage demandé pour école.example");
    assertThat(latin1.senderName()).isEqualTo("François");
    assertThat(String.join("\n", latin1.texts()))
        .as("an 8-bit ISO-8859-1 body is decoded with its charset")
        .contains("le site de l'école est école.example");
  }

  @Test
  void rawUtf8InHeadersIsReadAsUtf8AsInternationalizedMailIsWritten() throws Exception {
    byte[] mail =
        "From: Zoë <zoe@bücher.example>\nSubject: Sperrt bücher.example\n\nDanke\n"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    Mail read = MailReader.read(mail);

    assertThat(read.subject()).isEqualTo("Sperrt bücher.example");
    assertThat(CandidateFinder.find(read).candidates())
        .extracting(Candidate::name)
        .containsExactly("xn--bcher-kva.example");
  }

  @Test
  void theSenderDateAndMessageIdAreRecorded() throws Exception {
    Mail mail = read("plain.eml");

    assertThat(mail.sender()).isEqualTo("webmaster@forum.example.org");
    assertThat(mail.senderName()).isEqualTo("Forum Webmaster");
    assertThat(mail.sent()).isEqualTo(Instant.parse("2026-11-24T08:12:00Z"));
    assertThat(mail.messageId()).isEqualTo("<plain-1@forum.example.org>");
    assertThat(mail.sha256()).hasSize(64);
  }

  @Test
  void linksAreFoundInHtmlAttributesButNotInScriptsOrStyles() throws Exception {
    assertThat(candidates("html-only.eml"))
        .extracting(Candidate::name, Candidate::foundIn)
        .containsExactly(tuple("www.shop-example.net", FoundIn.LINK));
  }

  @Test
  void attachmentsAndTheHtmlAlternativeOfAPlainTextPartAreNotRead() throws Exception {
    String texts = String.join("\n", read("multipart-attachments.eml").texts());

    assertThat(texts).contains("comment section is flooded");
    assertThat(texts)
        .as("an attached access log names sites nobody asked to ban")
        .doesNotContain("attacker-one.example")
        .doesNotContain("html-only-alternative.example")
        .doesNotContain("evil.example.com");
  }

  @Test
  void quotedPrintableSoftBreaksInsideALinkAreJoinedBeforeTheNameIsRead() throws Exception {
    assertThat(candidates("quoted-printable.eml"))
        .extracting(Candidate::name, Candidate::foundIn)
        .containsExactly(tuple("xn--caf-dma.example", FoundIn.LINK));
  }

  @Test
  void aForwardedMessageIsReadAndItsSenderRecorded() throws Exception {
    Mail mail = read("forwarded.eml");

    assertThat(mail.sender()).isEqualTo("colleague@exit.example.net");
    assertThat(mail.forwardedFrom()).isEqualTo("desk@news.example.org");
  }

  @Test
  void mailAddressesAreNotCandidatesWhenASiteIsNamed() throws Exception {
    assertThat(names("several-sites.eml")).doesNotContain("freemail.example");
    assertThat(names("plain.eml"))
        .as("neither the address nor report.pdf nor e.g. is a site")
        .containsExactly("forum.example.org");
  }

  @Test
  void aMailNamingNoSiteHasNoCandidateAndNeedsAttention() throws Exception {
    CandidateFinder.Found found = CandidateFinder.find(read("no-names.eml"));

    assertThat(found.candidates()).isEmpty();
    assertThat(found.attention()).singleElement().asString().contains("no site is named");
  }

  @Test
  void aMailAddressIsACandidateWhenItIsTheOnlyHint() {
    Mail mail =
        new Mail(
            "x@freemail.example",
            null,
            null,
            null,
            "please block us",
            null,
            List.of("please block us", "Write to admin@Shop.Example if needed."),
            "0".repeat(64));

    CandidateFinder.Found found = CandidateFinder.find(mail);

    assertThat(found.candidates())
        .extracting(Candidate::name, Candidate::foundIn)
        .containsExactly(tuple("shop.example", FoundIn.MAIL_ADDRESS));
    assertThat(found.attention()).singleElement().asString().contains("mail addresses");
  }

  @Test
  void aLinkToAnIpv4AddressIsANetworkCandidateOfThatOneAddress() throws Exception {
    CandidateFinder.Found found = CandidateFinder.find(read("ipv4-link.eml"));

    assertThat(found.candidates())
        .as("http://192.0.2.7/ and https://admin@192.0.2.7:8443/ name the same one address")
        .extracting(Candidate::name, Candidate::foundIn, Candidate::kind)
        .containsExactly(tuple("192.0.2.7/32", FoundIn.LINK, RuleKind.NETWORK));
    assertThat(found.attention()).as("the mail names a site, so it needs no attention").isEmpty();
  }

  @Test
  void namesInTheOperatorsOwnDomainAreNotCandidates() throws Exception {
    Mail mail = read("own-domain.eml");

    assertThat(mail.recipients()).containsExactly("abuse@exit.example.net");
    assertThat(CandidateFinder.find(mail).candidates())
        .extracting(Candidate::name)
        .as("exit.example.net, www. and status. under it are the operator's own")
        .containsExactly("shop.example.com");
  }

  @Test
  void aMailNamingOnlyTheOperatorsOwnDomainNamesNoSite() {
    Mail mail =
        new Mail(
            "x@freemail.example",
            null,
            null,
            null,
            "about https://Exit.Example.NET/policy",
            null,
            List.of("about https://Exit.Example.NET/policy", "see www.exit.example.net"),
            "0".repeat(64),
            List.of("Abuse@exit.example.net"));

    CandidateFinder.Found found = CandidateFinder.find(mail);

    assertThat(found.candidates()).isEmpty();
    assertThat(found.attention()).singleElement().asString().contains("no site is named");
  }

  @Test
  void namesOnlyInQuotedReplyTextAreNotCandidates() throws Exception {
    assertThat(names("quoted-reply.eml"))
        .as("shop.example.net, wiki.example.com and old.example.org are only in '>' lines")
        .containsExactly("forum.example.org");
    assertThat(candidates("quoted-reply-html.eml"))
        .as("nor in an HTML <blockquote>, text or links")
        .extracting(Candidate::name, Candidate::foundIn)
        .containsExactly(tuple("forum.example.org", FoundIn.LINK));
  }

  @Test
  void importRecordsEveryFixtureAndReimportingIsANoOp() throws Exception {
    Workspace ws = Workspace.in(dir).create();
    BanRequests requests = ws.requests();
    Path maildir = dir.resolve("Maildir");
    Files.createDirectories(maildir.resolve("new"));
    Files.createDirectories(maildir.resolve("cur"));
    Files.createDirectories(maildir.resolve("tmp"));
    String[] fixtures = {
      "plain.eml", "html-only.eml", "multipart-attachments.eml", "quoted-printable.eml",
      "base64.eml", "subject-utf8.eml", "subject-latin1.eml", "forwarded.eml",
      "several-sites.eml", "no-names.eml"
    };
    for (int i = 0; i < fixtures.length; i++) {
      Path mail = ws.mail(fixtures[i]);
      Files.copy(mail, maildir.resolve(i % 2 == 0 ? "new" : "cur").resolve("17" + i + ".host:2,"));
    }
    Files.writeString(maildir.resolve("tmp").resolve("partial"), "From: half a mail");

    List<BanRequests.Imported> first = requests.importMail(maildir);
    List<BanRequests.Imported> again = requests.importMail(maildir);

    assertThat(first).hasSize(10).allSatisfy(r -> assertThat(r.duplicate()).isFalse());
    assertThat(first).allSatisfy(r -> assertThat(r.problem()).isNull());
    assertThat(again).hasSize(10).allSatisfy(r -> assertThat(r.duplicate()).isTrue());
    assertThat(requests.list()).hasSize(10);
    assertThat(Files.list(requests.folder()).count())
        .as("one small YAML file per request, nothing else")
        .isEqualTo(10);
    assertThat(again)
        .extracting(r -> r.request().id())
        .containsExactlyElementsOf(first.stream().map(r -> r.request().id()).toList());
  }

  @Test
  void anImportedRequestIsPendingWithAnUnguessableTokenAndASortableId() throws Exception {
    Workspace ws = Workspace.in(dir).create();
    BanRequests requests = ws.requests();

    BanRequest r = requests.importMail(ws.mail("plain.eml")).get(0).request();

    assertThat(r.id()).matches("2026-12-05-[a-z2-7]{6}");
    assertThat(r.state()).isEqualTo(State.PENDING);
    assertThat(r.token()).matches("exitfilter-[a-z2-7]{26}");
    assertThat(r.requestedOn()).hasToString("2026-11-24");
    assertThat(Files.readString(requests.folder().resolve(r.id() + ".yaml")))
        .as("the file holds what was found, never the mail's body")
        .contains("forum.example.org")
        .doesNotContain("discussion board");
    assertThat(requests.get(r.id())).isEqualTo(r);
  }

  @Test
  void aMailDatedInTheFutureCountsAsRequestedOnItsImportDay() throws Exception {
    Workspace ws = Workspace.in(dir).create();
    Path mail = dir.resolve("future.eml");
    Files.writeString(
        mail, "From: a@b.example\nDate: Fri, 31 Dec 2049 10:00:00 +0000\nSubject: x\n\nhi\n");

    BanRequest r = ws.requests().importMail(mail).get(0).request();

    assertThat(r.sent()).isEqualTo(Instant.parse("2049-12-31T10:00:00Z"));
    assertThat(r.requestedOn()).hasToString("2026-12-05");
  }

  @Test
  void theSameMailWithoutAMessageIdIsRecognizedByItsBytes() throws Exception {
    Workspace ws = Workspace.in(dir).create();
    BanRequests requests = ws.requests();
    Path mail = dir.resolve("no-id.eml");
    Files.writeString(mail, "From: a@b.example\nSubject: block c.example\n\nplease\n");

    BanRequest first = requests.importMail(mail).get(0).request();
    BanRequests.Imported again = requests.importMail(mail).get(0);

    assertThat(first.messageId()).isNull();
    assertThat(again.duplicate()).isTrue();
    assertThat(again.request().id()).isEqualTo(first.id());
  }

  @Test
  void aMailNamingNoSiteIsRecordedAsNeedingAttention() throws Exception {
    Workspace ws = Workspace.in(dir).create();
    BanRequests requests = ws.requests();

    BanRequest r = requests.importMail(ws.mail("no-names.eml")).get(0).request();

    assertThat(r.candidates()).isEmpty();
    assertThat(r.attention()).isNotEmpty();
    assertThat(BanRequests.summary(r)).contains("needs attention");
  }

  @Test
  void somethingThatIsNotMailIsReportedAndTheOthersStillImport() throws Exception {
    Workspace ws = Workspace.in(dir).create();
    Path folder = dir.resolve("inbox");
    Files.createDirectories(folder);
    Files.copy(ws.mail("base64.eml"), folder.resolve("a.eml"));
    Files.write(folder.resolve("b.eml"), new byte[0]);

    List<BanRequests.Imported> results = ws.requests().importMail(folder);

    assertThat(results).hasSize(2);
    assertThat(results.get(0).request()).isNotNull();
    assertThat(results.get(1).problem()).isNotNull();
  }

  @Test
  void controlCharactersInHeadersDoNotReachTheTerminal() throws Exception {
    Workspace ws = Workspace.in(dir).create();
    Path mail = dir.resolve("evil.eml");
    Files.writeString(
        mail,
        "From: =?utf-8?q?Evil=1B[31m_=E2=80=AEgro.elpmaxe?= <e@x.example>\n"
            + "Subject: =?utf-8?q?block=0Aevil.example=1B]0;title=07?=\n\nhi\n");

    BanRequest r = ws.requests().importMail(mail).get(0).request();

    assertThat(r.subject())
        .doesNotContain("\u001b", "\n", "\u0007")
        .startsWith("block evil.example");
    assertThat(r.senderName()).doesNotContain("\u001b", "\u202e");
  }
}
