package org.exitfilter.requests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.List;
import org.exitfilter.config.ConfigException;
import org.exitfilter.config.Rule;
import org.exitfilter.config.RuleKind;
import org.exitfilter.requests.RequestException.Kind;
import org.exitfilter.requests.store.BanRequest;
import org.exitfilter.requests.store.BanRequest.FoundIn;
import org.exitfilter.requests.store.BanRequest.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workflow's decisions: approve, reject and lift, each recorded and each reversible. */
class BanRequestsTest {
  /** A blocklist as an operator keeps it: comments, odd spacing, quoting. */
  static final String BLOCKLIST =
      "# Bans asked for by site owners.\n"
          + "bans:\n"
          + "  - domain: example.org      # the classic\n"
          + "    reason:   'Owner asked'\n"
          + "\n"
          + "  - network: 203.0.113.0/24\n"
          + "\n"
          + "# Carve-outs\n"
          + "exceptions:\n"
          + "  - host: status.example.org\n";

  @TempDir Path dir;

  Workspace workspace() throws Exception {
    return Workspace.in(dir).blocklist(BLOCKLIST).create();
  }

  static BanRequest imported(Workspace ws, BanRequests requests, String fixture) throws Exception {
    return requests.importMail(ws.mail(fixture)).get(0).request();
  }

  @Test
  void showGivesTheReplyWithTheTokenAndTheThreeWaysToProveOwnership() throws Exception {
    Workspace ws = workspace();
    BanRequests requests = ws.requests();
    BanRequest r = imported(ws, requests, "plain.eml");

    String reply = BanRequests.reply(r);

    assertThat(reply)
        .contains("To: webmaster@forum.example.org")
        .contains("Subject: Re: Please block our forum from your exit [exitfilter " + r.id() + "]")
        .contains("_exitfilter-ban.forum.example.org.  IN  TXT  \"" + r.token() + "\"")
        .contains("http://forum.example.org/.well-known/exitfilter-ban.txt")
        .contains("from an address at forum.example.org")
        .contains("weaker evidence");
    assertThat(BanRequests.describe(r))
        .contains("forum.example.org  (from a link)")
        .contains("token:      " + r.token())
        .contains("proofs:     none yet")
        .contains("waits for a proof");
  }

  @Test
  void approvingAnUnverifiedRequestNeedsForceAndChangesNothingWithout() throws Exception {
    Workspace ws = workspace();
    BanRequests requests = ws.requests();
    BanRequest r = imported(ws, requests, "plain.eml");

    assertThatThrownBy(() -> requests.approve(r.id(), List.of(), null, null, false))
        .isInstanceOf(RequestException.class)
        .hasMessageContaining("no proof covers forum.example.org")
        .hasMessageContaining("--force")
        .extracting(e -> ((RequestException) e).kind())
        .isEqualTo(Kind.NOT_VERIFIED);
    assertThat(ws.blocklistText()).isEqualTo(BLOCKLIST);
    assertThat(requests.get(r.id()).state()).isEqualTo(State.PENDING);
  }

  @Test
  void aForcedApprovalAddsTheDocumentedBanAndRecordsThatItWasForced() throws Exception {
    Workspace ws = workspace();
    BanRequests requests = ws.requests();
    BanRequest r = imported(ws, requests, "plain.eml");

    BanRequests.Approval approval =
        requests.approve(r.id(), List.of(), LocalDate.of(2027, 12, 31), "Spam from the exit", true);

    Rule rule = ws.loadBlocklist().bans().get(2);
    assertThat(rule.value()).isEqualTo("forum.example.org");
    assertThat(rule.reason()).isEqualTo("Spam from the exit");
    assertThat(rule.requestedBy()).isEqualTo("webmaster@forum.example.org");
    assertThat(rule.requestedOn()).isEqualTo(LocalDate.of(2026, 11, 24));
    assertThat(rule.expires()).isEqualTo(LocalDate.of(2027, 12, 31));
    assertThat(rule.reference()).isEqualTo(r.id());
    assertThat(approval.line()).isEqualTo(rule.source().line());
    assertThat(approval.unproven()).containsExactly("forum.example.org");

    BanRequest after = requests.get(r.id());
    assertThat(after.state()).isEqualTo(State.APPROVED);
    assertThat(after.forced()).isTrue();
    assertThat(after.banned()).containsExactly("forum.example.org");
    assertThat(after.history().get(after.history().size() - 1).note())
        .contains("forum.example.org (forced: no proof)")
        .contains("expires after 2027-12-31");
  }

  @Test
  void liftRemovesExactlyThatBanAndGivesBackTheBlocklistByteForByte() throws Exception {
    Workspace ws = workspace();
    BanRequests requests = ws.requests();
    BanRequest r = imported(ws, requests, "plain.eml");
    requests.approve(r.id(), List.of(), null, null, true);
    assertThat(ws.blocklistText()).isNotEqualTo(BLOCKLIST);

    BanRequests.Lifting lifting = requests.lift(r.id(), "owner changed their mind");

    assertThat(lifting.removed()).containsExactly("forum.example.org");
    assertThat(lifting.missing()).isEmpty();
    assertThat(ws.blocklistText()).isEqualTo(BLOCKLIST);
    assertThat(requests.get(r.id()).state()).isEqualTo(State.LIFTED);
    assertThatThrownBy(() -> requests.lift(r.id(), null))
        .extracting(e -> ((RequestException) e).kind())
        .isEqualTo(Kind.WRONG_STATE);
  }

  @Test
  void aSiteNamedByItsAddressIsBannedAsANetworkEntryAndLiftedAgain() throws Exception {
    Workspace ws = workspace();
    BanRequests requests = ws.requests();
    BanRequest r = imported(ws, requests, "ipv4-link.eml");

    BanRequests.Approval approval = requests.approve(r.id(), List.of(), null, null, true);

    assertThat(approval.names()).containsExactly("192.0.2.7/32");
    Rule rule = ws.loadBlocklist().bans().get(2);
    assertThat(rule.kind()).isEqualTo(RuleKind.NETWORK);
    assertThat(rule.value()).isEqualTo("192.0.2.7/32");
    assertThat(rule.reference()).isEqualTo(r.id());
    assertThat(ws.blocklistText()).contains("  - network: 192.0.2.7/32\n");
    assertThat(BanRequests.reply(r))
        .as("an address has no name for a TXT record: the web proof is offered, at the address")
        .contains("http://192.0.2.7/.well-known/exitfilter-ban.txt")
        .doesNotContain("_exitfilter-ban.");

    BanRequests.Lifting lifting = requests.lift(r.id(), null);

    assertThat(lifting.removed()).containsExactly("192.0.2.7/32");
    assertThat(ws.blocklistText()).isEqualTo(BLOCKLIST);
  }

  @Test
  void aRequestNamingSeveralSitesNeedsTheOperatorToSayWhich() throws Exception {
    Workspace ws = workspace();
    BanRequests requests = ws.requests();
    BanRequest r = imported(ws, requests, "several-sites.eml");

    assertThatThrownBy(() -> requests.approve(r.id(), List.of(), null, null, true))
        .hasMessageContaining(
            "names several sites (alpha.example, beta.example, www.gamma.example)");

    requests.approve(r.id(), List.of("BETA.example.", "alpha.example"), null, null, true);

    assertThat(ws.loadBlocklist().bans())
        .extracting(Rule::value)
        .containsExactly("example.org", "203.0.113.0/24", "beta.example", "alpha.example");
  }

  @Test
  void aNameTheOperatorAddsBecomesACandidateFoundByTheOperator() throws Exception {
    Workspace ws = workspace();
    BanRequests requests = ws.requests();
    BanRequest r = imported(ws, requests, "no-names.eml");

    requests.approve(r.id(), List.of("site.example"), null, null, true);

    assertThat(requests.get(r.id()).candidates())
        .singleElement()
        .satisfies(c -> assertThat(c.foundIn()).isEqualTo(FoundIn.OPERATOR));
  }

  @Test
  void aNameBannedAlreadyIsNotAddedTwice() throws Exception {
    Workspace ws = workspace();
    BanRequests requests = ws.requests();
    BanRequest r = imported(ws, requests, "plain.eml");

    assertThatThrownBy(() -> requests.approve(r.id(), List.of("Example.ORG"), null, null, true))
        .hasMessageContaining("example.org is banned already")
        .hasMessageContaining("blocklist.yaml:3");
    assertThat(ws.blocklistText()).isEqualTo(BLOCKLIST);
  }

  @Test
  void approveReportsWhatTheLoaderWarnsAboutTheNewEntry() throws Exception {
    Workspace ws = workspace();
    BanRequests requests = ws.requests();
    BanRequest r = imported(ws, requests, "plain.eml");

    BanRequests.Approval approval =
        requests.approve(r.id(), List.of("www.example.org"), null, null, true);

    assertThat(approval.warnings())
        .singleElement()
        .asString()
        .startsWith(ws.blocklistFile() + ":" + approval.line() + ":")
        .contains("shadowed by domain example.org");
  }

  @Test
  void badArgumentsAreRefusedBeforeAnythingChanges() throws Exception {
    Workspace ws = workspace();
    BanRequests requests = ws.requests();
    BanRequest r = imported(ws, requests, "plain.eml");

    assertThatThrownBy(() -> requests.approve(r.id(), List.of("not a name"), null, null, true))
        .hasMessageContaining("'not a name' is not a name");
    assertThatThrownBy(
            () -> requests.approve(r.id(), List.of(), LocalDate.of(2020, 1, 1), null, true))
        .hasMessageContaining("in the past");
    assertThatThrownBy(() -> requests.approve(r.id(), List.of(), null, "  ", true))
        .hasMessageContaining("--reason is blank");
    assertThatThrownBy(() -> requests.approve("../../etc/passwd", List.of(), null, null, true))
        .extracting(e -> ((RequestException) e).kind())
        .isEqualTo(Kind.UNKNOWN_REQUEST);
    assertThat(ws.blocklistText()).isEqualTo(BLOCKLIST);
  }

  @Test
  void approveNeverLeavesABlocklistItCannotEditCleanly() throws Exception {
    String flow = "bans: [{domain: a.example}]   # written by hand\n";
    Workspace ws = Workspace.in(dir).blocklist(flow).create();
    BanRequests requests = ws.requests();
    BanRequest r = imported(ws, requests, "plain.eml");

    assertThatThrownBy(() -> requests.approve(r.id(), List.of(), null, null, true))
        .extracting(e -> ((RequestException) e).kind())
        .isEqualTo(Kind.BLOCKLIST_LAYOUT);

    assertThat(ws.blocklistText()).isEqualTo(flow);
    assertThat(requests.get(r.id()).state()).isEqualTo(State.PENDING);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temporary file left behind")
          .noneMatch(name -> name.endsWith(".tmp"));
    }
  }

  @Test
  void anInvalidBlocklistIsReportedAndLeftAlone() throws Exception {
    String broken = "bans:\n  - domian: a.example\n";
    Workspace ws = Workspace.in(dir).blocklist("bans: []\n").create();
    BanRequests requests = ws.requests();
    BanRequest r = imported(ws, requests, "plain.eml");
    Files.writeString(ws.blocklistFile(), broken);

    assertThatThrownBy(() -> requests.approve(r.id(), List.of(), null, null, true))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("blocklist.yaml:2");
    assertThat(ws.blocklistText()).isEqualTo(broken);
  }

  @Test
  void theBlocklistKeepsItsPermissionsAfterAnEdit() throws Exception {
    Workspace ws = workspace();
    Files.setPosixFilePermissions(ws.blocklistFile(), PosixFilePermissions.fromString("rw-r-----"));
    BanRequests requests = ws.requests();
    BanRequest r = imported(ws, requests, "plain.eml");

    requests.approve(r.id(), List.of(), null, null, true);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ws.blocklistFile())))
        .isEqualTo("rw-r-----");
  }

  @Test
  void aRejectedRequestRecordsWhyAndCannotBeApprovedAfterwards() throws Exception {
    Workspace ws = workspace();
    BanRequests requests = ws.requests();
    BanRequest r = imported(ws, requests, "html-only.eml");

    assertThatThrownBy(() -> requests.reject(r.id(), " ")).hasMessageContaining("--why");
    BanRequest rejected = requests.reject(r.id(), "Not the owner: the shop denies asking");

    assertThat(rejected.state()).isEqualTo(State.REJECTED);
    assertThat(rejected.history().get(1).note()).isEqualTo("Not the owner: the shop denies asking");
    assertThat(requests.get(r.id())).isEqualTo(rejected);
    assertThatThrownBy(() -> requests.approve(r.id(), List.of(), null, null, true))
        .hasMessageContaining("is rejected; only a pending or verified request");
    assertThat(ws.blocklistText()).isEqualTo(BLOCKLIST);
  }

  @Test
  void listSaysWhatEachRequestWaitsFor() throws Exception {
    Workspace ws = workspace();
    BanRequests requests = ws.requests();
    BanRequest plain = imported(ws, requests, "plain.eml");
    BanRequest none = imported(ws, requests, "no-names.eml");

    assertThat(BanRequests.summary(plain))
        .startsWith(plain.id())
        .contains("pending", "webmaster@forum.example.org", "forum.example.org")
        .contains("waits for a proof");
    assertThat(BanRequests.summary(none)).contains("(no site named)", "needs attention");
  }
}
