package org.exitfilter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.util.FS;
import org.exitfilter.testing.GitServer;
import org.exitfilter.testing.LoopbackDns;
import org.exitfilter.testing.SmartHttpGit;
import org.exitfilter.testing.SshGit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code exitfilter shared update} of a list served on loopback over git's smart HTTP, over https
 * and over ssh, named by a name only the loopback DNS server knows ({@code resolver:}). The system
 * resolver cannot resolve it, so a fetch that reaches the server was resolved by the proxy's own
 * code and connected to the very address the proxy checked: no second resolution by JGit that a
 * rebinding answer could turn to a private address. Refused, it reaches nothing.
 */
class SharedListThroughProxyTest {
  private static final String NAME = "bans.cascade.example";
  private static final String ONE_BAN = "bans:\n  - domain: banned.test\n";

  @TempDir Path dir;
  private LoopbackDns dns;
  private GitServer git;
  private SmartHttpGit http;
  private GitServer.Key ops;

  @BeforeEach
  void start() throws Exception {
    dns = LoopbackDns.start();
    dns.put(NAME, "127.0.0.1");
    git = GitServer.start(dir.resolve("git"));
    http = SmartHttpGit.serve(git.repository());
    ops = git.newKey("ops@example.net");
    Cli.write(dir, "cascade.allowed_signers", ops.allowedSignersLine());
    Cli.write(dir, "blocklist.yaml", "bans: []");
  }

  @AfterEach
  void stop() {
    http.close();
    git.close();
    dns.close();
  }

  private Cli.Result update(String url, boolean allowPrivate) throws Exception {
    Path config =
        Cli.write(
            dir,
            "exitfilter.yaml",
            "listen: 127.0.0.1:0",
            "admin: off",
            "resolver: 127.0.0.1:" + dns.port(),
            "allow-private-destinations: " + allowPrivate,
            "shared-lists:",
            "  - name: cascade",
            "    git: " + url,
            "    path: blocklist.yaml",
            "    allowed-signers: cascade.allowed_signers",
            "state-dir: state");
    return Cli.run("shared", "update", "--config=" + config);
  }

  @Test
  void aListOnANameOnlyTheProxysResolverKnowsIsFetchedThroughTheProxy() throws Exception {
    RevCommit commit = git.commit(ops, "blocklist.yaml", ONE_BAN);

    Cli.Result accepted = update(http.url(NAME), true);

    assertThat(accepted.exitCode()).as(accepted.err()).isZero();
    assertThat(accepted.out())
        .contains(
            "cascade: accepted: cascade@"
                + commit.name().substring(0, 7)
                + ": accepted, signed by ops@example.net");
    assertThat(http.requests()).as("info/refs and upload-pack").isGreaterThanOrEqualTo(2);
    assertThat(dns.queries(NAME)).as("resolved by the proxy's resolver").isPositive();
  }

  @Test
  void aNameThatResolvesToLoopbackIsRefusedAndNothingReachesTheServer() throws Exception {
    git.commit(ops, "blocklist.yaml", ONE_BAN);

    Cli.Result refused = update(http.url(NAME), false);

    assertRefusedAsPrivate(refused);
    assertThat(http.requests()).as("requests that reached the git server").isZero();
  }

  @Test
  void anAddressLiteralOnLoopbackIsRefusedToo() throws Exception {
    git.commit(ops, "blocklist.yaml", ONE_BAN);

    Cli.Result refused = update(http.url("127.0.0.1"), false);

    assertThat(refused.exitCode()).isEqualTo(4);
    assertThat(refused.err())
        .contains(
            "destination refused: 127.0.0.1: refused: a private or local address"
                + " (allow-private-destinations is false)");
    assertThat(http.requests()).isZero();
  }

  @Test
  void aNameNobodyKnowsCouldNotBeReached() throws Exception {
    git.commit(ops, "blocklist.yaml", ONE_BAN);

    Cli.Result unreachable = update(http.url("unknown.cascade.example"), true);

    assertThat(unreachable.exitCode()).isEqualTo(4);
    assertThat(unreachable.err())
        .contains("cascade: unreachable: cannot fetch " + http.url("unknown.cascade.example"))
        .doesNotContain("destination refused");
    assertThat(http.requests()).isZero();
  }

  @Test
  void overHttpsTheListIsFetchedAsACONNECTToItsOwnPortAndRefusedTheSameWay() throws Exception {
    RevCommit commit = git.commit(ops, "blocklist.yaml", ONE_BAN);
    // JGit's https connections are the JDK's: they trust what the JDK's default factory trusts.
    SSLSocketFactory before = HttpsURLConnection.getDefaultSSLSocketFactory();
    try (SmartHttpGit https = SmartHttpGit.serveTls(git.repository(), NAME)) {
      HttpsURLConnection.setDefaultSSLSocketFactory(https.clientContext().getSocketFactory());

      Cli.Result refused = update(https.url(NAME), false);
      int requestsWhenRefused = https.requests();
      Cli.Result accepted = update(https.url(NAME), true);

      assertRefusedAsPrivate(refused);
      assertThat(requestsWhenRefused).as("requests that reached the git server").isZero();
      assertAcceptedThroughConnect(accepted, https.port(), commit);
      assertThat(https.requests()).isGreaterThanOrEqualTo(2);
    } finally {
      HttpsURLConnection.setDefaultSSLSocketFactory(before);
    }
  }

  @Test
  void overSshTheListIsFetchedThroughTheProxysConnectAndRefusedTheSameWay() throws Exception {
    RevCommit commit = git.commit(ops, "blocklist.yaml", ONE_BAN);
    // JGit's ssh reads ~/.ssh: a home of the test's own, with a key and no host key prompts.
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve(".ssh"));
    GitServer.Key login = git.newKey("git@example.net");
    Cli.write(
        home.resolve(".ssh"),
        "config",
        "Host *",
        "  StrictHostKeyChecking no",
        "  UserKnownHostsFile " + home.resolve(".ssh/known_hosts"),
        "  IdentityFile " + login.file(),
        "  IdentitiesOnly yes");
    File before = FS.DETECTED.userHome();
    try (SshGit ssh = SshGit.serve(git.repository())) {
      FS.DETECTED.setUserHome(home.toFile());

      Cli.Result refused = update(ssh.url(NAME), false);
      int sessionsWhenRefused = ssh.sessions();
      Cli.Result accepted = update(ssh.url(NAME), true);

      assertRefusedAsPrivate(refused);
      assertThat(sessionsWhenRefused).as("sessions that reached the git server").isZero();
      assertAcceptedThroughConnect(accepted, ssh.port(), commit);
      assertThat(ssh.sessions()).isPositive();
    } finally {
      FS.DETECTED.setUserHome(before);
    }
  }

  private static void assertRefusedAsPrivate(Cli.Result refused) {
    assertThat(refused.exitCode()).isEqualTo(4);
    assertThat(refused.err())
        .contains(
            "destination refused: "
                + NAME
                + ": refused: the name resolves to a private or local address"
                + " (allow-private-destinations is false)");
  }

  private static void assertAcceptedThroughConnect(
      Cli.Result accepted, int port, RevCommit commit) {
    assertThat(accepted.exitCode())
        .as("a CONNECT to port %d, not in connect-ports [443]: %s", port, accepted.err())
        .isZero();
    assertThat(accepted.out())
        .contains("cascade: accepted: cascade@" + commit.name().substring(0, 7));
  }
}
