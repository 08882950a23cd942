package org.exitfilter.requests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.exitfilter.requests.store.BanRequest;
import org.exitfilter.requests.store.BanRequest.Method;
import org.exitfilter.requests.store.BanRequest.State;
import org.exitfilter.requests.verify.Check;
import org.exitfilter.testing.LoopbackDns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three proofs, checked against a DNS server and an origin on loopback: the TXT record asked of
 * the configured resolver, the file fetched through the proxy's own destination checks, the sender.
 */
class VerifyTest {
  static final String SITE = "forum.example.org";

  @TempDir Path dir;
  LoopbackDns dns;
  TokenOrigin origin;

  @BeforeEach
  void start() throws Exception {
    dns = LoopbackDns.start();
    origin = TokenOrigin.start();
  }

  @AfterEach
  void stop() {
    if (origin != null) {
      origin.close();
    }
    if (dns != null) {
      dns.close();
    }
  }

  Workspace workspace(String blocklist, boolean allowPrivate) throws Exception {
    return Workspace.in(dir)
        .blocklist(blocklist)
        .resolverPort(dns.port())
        .allowPrivateDestinations(allowPrivate)
        .create();
  }

  /** A request for {@link #SITE} from an address elsewhere, so the sender proves nothing. */
  BanRequest importForum(Workspace ws, BanRequests requests) throws Exception {
    return requests.importMail(ws.mail("forwarded-forum.eml")).get(0).request();
  }

  static Check check(BanRequests.Verification v, Method method) {
    return v.checks().stream().filter(c -> c.method() == method).findFirst().orElseThrow();
  }

  @Test
  void aTxtRecordHoldingTheTokenProvesTheNameThroughTheConfiguredResolver() throws Exception {
    Workspace ws = workspace("bans: []\n", true);
    BanRequests requests = ws.requests(origin.port());
    BanRequest r = importForum(ws, requests);
    dns.putTxt("_exitfilter-ban." + SITE, "unrelated", "owner says: " + r.token());

    BanRequests.Verification v = requests.verify(r.id(), List.of());

    assertThat(check(v, Method.DNS_TXT).passed()).isTrue();
    assertThat(v.proved()).isTrue();
    assertThat(dns.queries("_exitfilter-ban." + SITE)).isPositive();
    BanRequest saved = requests.get(r.id());
    assertThat(saved.state()).isEqualTo(State.VERIFIED);
    assertThat(saved.proofs())
        .singleElement()
        .satisfies(p -> assertThat(p.method()).isEqualTo(Method.DNS_TXT))
        .satisfies(p -> assertThat(p.detail()).contains("_exitfilter-ban." + SITE));
    assertThat(saved.history().get(saved.history().size() - 1).note())
        .isEqualTo("proved by dns-txt for " + SITE);
  }

  @Test
  void aTxtRecordWithAnotherTokenProvesNothing() throws Exception {
    Workspace ws = workspace("bans: []\n", true);
    BanRequests requests = ws.requests(origin.port());
    BanRequest r = importForum(ws, requests);
    dns.putTxt("_exitfilter-ban." + SITE, "exitfilter-someoneelsestoken");

    BanRequests.Verification v = requests.verify(r.id(), List.of());

    assertThat(check(v, Method.DNS_TXT).detail()).contains("do not hold the token");
    assertThat(v.proved()).isFalse();
    assertThat(requests.get(r.id()).state()).isEqualTo(State.PENDING);
    assertThat(requests.get(r.id()).history()).hasSize(2);
  }

  @Test
  void theWellKnownFileProvesTheNameWhenFetchedThroughTheProxy() throws Exception {
    Workspace ws = workspace("bans: []\n", true);
    BanRequests requests = ws.requests(origin.port());
    BanRequest r = importForum(ws, requests);
    dns.put(SITE, "127.0.0.1");
    origin.serve(r.token() + "\n");

    BanRequests.Verification v = requests.verify(r.id(), List.of());

    Check http = check(v, Method.HTTP_FILE);
    assertThat(http.passed()).as(http.detail()).isTrue();
    assertThat(http.detail())
        .contains("http://" + SITE + ":" + origin.port() + "/.well-known/exitfilter-ban.txt");
    assertThat(requests.get(r.id()).state()).isEqualTo(State.VERIFIED);
  }

  @Test
  void aSiteNamedByItsAddressIsProvedByTheWellKnownFileAtThatAddressOnly() throws Exception {
    Workspace ws = workspace("bans: []\n", true);
    BanRequests requests = ws.requests(origin.port());
    Path mail = dir.resolve("address.eml");
    Files.writeString(
        mail,
        "From: a@board.example\nTo: abuse@exit.example.net\nSubject: ban\n\n"
            + "Please block http://127.0.0.1/board/\n");
    BanRequest r = requests.importMail(mail).get(0).request();
    origin.serve(r.token() + "\n");

    BanRequests.Verification v = requests.verify(r.id(), List.of());

    assertThat(r.names()).containsExactly("127.0.0.1/32");
    Check http = check(v, Method.HTTP_FILE);
    assertThat(http.passed()).as(http.detail()).isTrue();
    assertThat(http.detail()).contains("http://127.0.0.1:" + origin.port() + "/.well-known/");
    assertThat(check(v, Method.DNS_TXT).passed()).isFalse();
    assertThat(check(v, Method.SENDER_ADDRESS).passed()).isFalse();
    assertThat(dns.queries("_exitfilter-ban.127.0.0.1/32"))
        .as("no DNS lookup for an address")
        .isZero();
    assertThat(requests.get(r.id()).state()).isEqualTo(State.VERIFIED);
  }

  @Test
  void theFetchRefusesALoopbackTargetWhenPrivateDestinationsAreNotAllowed() throws Exception {
    Workspace ws = workspace("bans: []\n", false);
    BanRequests requests = ws.requests(origin.port());
    BanRequest r = importForum(ws, requests);
    dns.put(SITE, "127.0.0.1");
    origin.serve(r.token());

    BanRequests.Verification v = requests.verify(r.id(), List.of());

    Check http = check(v, Method.HTTP_FILE);
    assertThat(http.passed()).isFalse();
    assertThat(http.detail()).contains("private or local address");
    assertThat(origin.requests()).as("nothing reached the private address").isZero();
  }

  @Test
  void theBlocklistAppliesToTheFetchAsToProxyTraffic() throws Exception {
    Workspace ws = workspace("bans:\n  - network: 127.0.0.0/8\n", true);
    BanRequests requests = ws.requests(origin.port());
    BanRequest r = importForum(ws, requests);
    dns.put(SITE, "127.0.0.1");
    origin.serve(r.token());

    Check http = check(requests.verify(r.id(), List.of()), Method.HTTP_FILE);

    assertThat(http.passed()).isFalse();
    assertThat(http.detail()).contains("on the blocklist");
    assertThat(origin.requests()).isZero();
  }

  @Test
  void aRedirectIsFollowedOnlyOnTheSameName() throws Exception {
    Workspace ws = workspace("bans: []\n", true);
    BanRequests requests = ws.requests(origin.port());
    BanRequest r = importForum(ws, requests);
    dns.put(SITE, "127.0.0.1");
    origin.serve(r.token()).redirect("/moved.txt");

    assertThat(check(requests.verify(r.id(), List.of()), Method.HTTP_FILE).passed()).isTrue();

    origin.redirect("http://elsewhere.example:" + origin.port() + "/moved.txt");
    Check elsewhere = check(requests.verify(r.id(), List.of()), Method.HTTP_FILE);
    assertThat(elsewhere.passed()).isFalse();
    assertThat(elsewhere.detail()).contains("redirects to another site");
  }

  @Test
  void aSenderAtTheSameDomainIsAWeakProofAndSaysSo() throws Exception {
    Workspace ws = workspace("bans: []\n", true);
    BanRequests requests = ws.requests(origin.port());
    BanRequest r = requests.importMail(ws.mail("plain.eml")).get(0).request();

    BanRequests.Verification v = requests.verify(r.id(), List.of());

    Check sender = check(v, Method.SENDER_ADDRESS);
    assertThat(sender.passed()).isTrue();
    assertThat(sender.detail()).contains("webmaster@forum.example.org", "weak");
    BanRequest saved = requests.get(r.id());
    assertThat(saved.state()).isEqualTo(State.VERIFIED);
    assertThat(BanRequests.summary(saved)).contains("weak");
    assertThat(BanRequests.describe(saved)).contains("by sender-address (weak)");
  }

  @Test
  void aSenderCannotVouchForANameTakenFromAMailAddressOnly() throws Exception {
    Workspace ws = workspace("bans: []\n", true);
    BanRequests requests = ws.requests(origin.port());
    Path mail = dir.resolve("freemail.eml");
    java.nio.file.Files.writeString(
        mail,
        "From: bob@freemail.example\nSubject: ban me\nMessage-ID: <f@freemail.example>\n\n"
            + "Please block my site. Bob (bob@freemail.example)\n");
    BanRequest r = requests.importMail(mail).get(0).request();
    assertThat(r.names()).containsExactly("freemail.example");

    Check sender = check(requests.verify(r.id(), List.of()), Method.SENDER_ADDRESS);

    assertThat(sender.passed()).isFalse();
    assertThat(sender.detail()).contains("only from a mail address");
  }

  @Test
  void verifyWithADomainChecksThatNameAndAddsItToTheRequest() throws Exception {
    Workspace ws = workspace("bans: []\n", true);
    BanRequests requests = ws.requests(origin.port());
    BanRequest r = requests.importMail(ws.mail("no-names.eml")).get(0).request();
    dns.putTxt("_exitfilter-ban.our-site.example", r.token());

    BanRequests.Verification v = requests.verify(r.id(), List.of("Our-Site.example"));

    assertThat(v.checks()).extracting(Check::name).containsOnly("our-site.example");
    assertThat(v.proved()).isTrue();
    assertThat(requests.get(r.id()).names()).containsExactly("our-site.example");
  }
}
