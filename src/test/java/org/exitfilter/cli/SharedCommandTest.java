package org.exitfilter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.revwalk.RevCommit;
import org.exitfilter.shared.TestFiles;
import org.exitfilter.testing.GitServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code exitfilter shared update|status} and {@code check} against a real git server on loopback,
 * with commits signed by SSH keys the test makes: what is accepted, what is refused and why, and
 * that the last accepted list keeps answering.
 */
class SharedCommandTest {
  private static final String ONE_BAN = "bans:\n  - domain: banned.test\n";
  private static final String TWO_BANS = ONE_BAN + "  - host: also.test\n";

  @TempDir Path dir;
  private GitServer git;
  private GitServer.Key ops;
  private Path config;

  @BeforeEach
  void start() throws Exception {
    git = GitServer.start(dir.resolve("git"));
    ops = git.newKey("ops@example.net");
    Cli.write(dir, "cascade.allowed_signers", ops.allowedSignersLine());
    Cli.write(dir, "blocklist.yaml", "bans: []");
    config = writeConfig(git.url(), true);
  }

  @AfterEach
  void stop() {
    git.close();
  }

  private Path writeConfig(String url, boolean allowPrivate) throws Exception {
    return Cli.write(
        dir,
        "exitfilter.yaml",
        "listen: 127.0.0.1:0",
        "admin: off",
        "allow-private-destinations: " + allowPrivate,
        "shared-lists:",
        "  - name: cascade",
        "    git: " + url,
        "    path: blocklist.yaml",
        "    allowed-signers: cascade.allowed_signers",
        "state-dir: state");
  }

  private Cli.Result update(String... more) {
    String[] args = new String[3 + more.length];
    args[0] = "shared";
    args[1] = "update";
    args[2] = "--config=" + config;
    System.arraycopy(more, 0, args, 3, more.length);
    return Cli.run(args);
  }

  private Cli.Result check(String target) {
    return Cli.run("check", "--config", config.toString(), "--no-resolve", target);
  }

  private static String label(RevCommit commit) {
    return "cascade@" + commit.name().substring(0, 7);
  }

  @Test
  void aSignedFastForwardIsAcceptedAndCheckNamesTheSharedEntryAndCommit() throws Exception {
    RevCommit first = git.commit(ops, "blocklist.yaml", ONE_BAN);
    assertThat(update().exitCode()).isZero();
    RevCommit second = git.commit(ops, "blocklist.yaml", TWO_BANS);

    Cli.Result accepted = update();
    Cli.Result again = update();
    Cli.Result check = check("also.test");
    Cli.Result status = Cli.run("shared", "status", "--config", config.toString());

    assertThat(accepted.exitCode()).isZero();
    assertThat(accepted.out())
        .contains("cascade: accepted: " + label(second) + ": accepted, signed by ops@example.net");
    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).contains("unchanged");
    assertThat(check.exitCode()).as("blocked by the shared list").isEqualTo(ExitCodes.BLOCKED);
    assertThat(check.out())
        .contains("BLOCKED by host also.test at " + label(second) + ":blocklist.yaml:3:5");
    assertThat(status.out())
        .contains("cascade: " + git.url() + " branch main")
        .contains("accepted: " + second.name())
        .contains("last refusal: none");
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void aCommitSignedByOpenSshThroughGitIsAcceptedAsGitVerifyCommitAcceptsIt() throws Exception {
    assumeTrue(onPath("git") && onPath("ssh-keygen"), "git and ssh-keygen are installed");
    Path key = dir.resolve("openssh_key");
    run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", key.toString());
    String publicKey = Files.readString(dir.resolve("openssh_key.pub")).trim();
    Cli.write(dir, "cascade.allowed_signers", "ops@example.net " + publicKey);
    Path work = dir.resolve("openssh-work");
    Files.createDirectories(work);
    run(work, "git", "init", "-q", "-b", "main");
    Cli.write(work, "blocklist.yaml", ONE_BAN);
    run(work, "git", "add", "blocklist.yaml");
    run(
        work,
        "git",
        "-c",
        "user.name=ops",
        "-c",
        "user.email=ops@example.net",
        "-c",
        "gpg.format=ssh",
        "-c",
        "user.signingkey=" + key,
        "commit",
        "-q",
        "-S",
        "-m",
        "Ban banned.test");
    run(
        work,
        "git",
        "-c",
        "gpg.ssh.allowedSignersFile=" + dir.resolve("cascade.allowed_signers"),
        "verify-commit",
        "HEAD");
    run(work, "git", "push", "-q", git.url(), "main");

    Cli.Result accepted = update();

    assertThat(accepted.exitCode()).as(accepted.err()).isZero();
    assertThat(accepted.out()).contains("accepted, signed by ops@example.net");
    assertThat(check("banned.test").exitCode()).isEqualTo(ExitCodes.BLOCKED);
  }

  private static boolean onPath(String command) {
    return Arrays.stream(System.getenv("PATH").split(":"))
        .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
  }

  /** Runs a command in {@code folder}; fails the test unless it exits 0 within a minute. */
  private static void run(Path folder, String... command) throws Exception {
    Process process =
        new ProcessBuilder(command)
            .directory(folder.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
  }

  @Test
  void anUnsignedCommitIsRefusedAndTheAcceptedListKeepsAnswering() throws Exception {
    RevCommit good = git.commit(ops, "blocklist.yaml", ONE_BAN);
    update();
    RevCommit unsigned = git.commit(null, "blocklist.yaml", TWO_BANS);

    Cli.Result refused = update();

    assertThat(refused.exitCode()).isEqualTo(3);
    assertThat(refused.err())
        .contains(
            label(unsigned) + ": not signed; an SSH signature by an allowed signer is needed");
    assertThat(check("also.test").exitCode()).as("the refused ban").isZero();
    assertThat(check("banned.test").out()).contains(label(good) + ":blocklist.yaml:2:5");
    assertThat(Cli.run("shared", "status", "--config", config.toString()).out())
        .contains("accepted: " + good.name())
        .contains("refused: " + label(unsigned) + ": not signed");
  }

  @Test
  void aCommitSignedByAKeyNotAllowedIsRefused() throws Exception {
    git.commit(ops, "blocklist.yaml", ONE_BAN);
    update();
    GitServer.Key stranger = git.newKey("stranger@example.net");
    RevCommit foreign = git.commit(stranger, "blocklist.yaml", TWO_BANS);

    Cli.Result refused = update();

    assertThat(refused.exitCode()).isEqualTo(3);
    assertThat(refused.err()).contains(label(foreign) + ": not signed by an allowed signer");
    assertThat(check("also.test").exitCode()).isZero();
  }

  @Test
  void aRewrittenHistoryIsRefusedThenAcceptedOnceWithAllowRewrite() throws Exception {
    git.commit(ops, "blocklist.yaml", ONE_BAN);
    RevCommit second = git.commit(ops, "blocklist.yaml", TWO_BANS);
    update();
    git.dropLastCommit();
    RevCommit rewritten =
        git.commitLocally(ops, "blocklist.yaml", ONE_BAN + "  - host: other.test\n");
    git.push(true);

    Cli.Result refused = update();
    Cli.Result allowed = update("--allow-rewrite", "cascade");

    assertThat(refused.exitCode()).isEqualTo(3);
    assertThat(refused.err())
        .contains(
            label(rewritten)
                + ": not a fast-forward of the accepted commit "
                + second.name().substring(0, 7)
                + " (history rewritten); accept it once with exitfilter shared update"
                + " --allow-rewrite cascade");
    assertThat(allowed.exitCode()).isZero();
    assertThat(allowed.out()).contains(label(rewritten) + ": accepted");
    assertThat(check("other.test").exitCode()).isEqualTo(ExitCodes.BLOCKED);
    assertThat(check("also.test").exitCode()).isZero();
  }

  @Test
  void anInvalidListAtASignedTipIsRefusedWithFileLineAndColumn() throws Exception {
    git.commit(ops, "blocklist.yaml", ONE_BAN);
    update();
    RevCommit broken =
        git.commit(
            ops, "blocklist.yaml", "bans:\n  - domain: \"exa mple.net\"\n  - host: also.test\n");

    Cli.Result refused = update();

    assertThat(refused.exitCode()).isEqualTo(3);
    assertThat(refused.err())
        .contains(label(broken) + ": blocklist.yaml:2:13: invalid domain 'exa mple.net'");
    assertThat(check("banned.test").exitCode())
        .as("the last good list")
        .isEqualTo(ExitCodes.BLOCKED);
    assertThat(check("also.test").exitCode()).isZero();
  }

  @Test
  void anUnreachableRemoteExitsFourAndTheAcceptedListStillAnswersFromTheMirror() throws Exception {
    RevCommit good = git.commit(ops, "blocklist.yaml", ONE_BAN);
    update();
    git.stop();
    // The checked-out tree is gone too: it is rebuilt from the mirror in state-dir, offline.
    try (var trees = Files.list(dir.resolve("state/cascade"))) {
      for (Path tree : trees.filter(p -> p.getFileName().toString().startsWith("tree-")).toList()) {
        TestFiles.deleteRecursively(tree);
      }
    }

    Cli.Result unreachable = update();

    assertThat(unreachable.exitCode()).isEqualTo(4);
    assertThat(unreachable.err()).contains("cascade: unreachable: cannot fetch " + git.url());
    assertThat(check("banned.test").out()).contains(label(good) + ":blocklist.yaml:2:5");
  }

  @Test
  void aGitHostOnLoopbackIsRefusedUnlessPrivateDestinationsAreAllowed() throws Exception {
    git.commit(ops, "blocklist.yaml", ONE_BAN);
    config = writeConfig(git.url(), false);

    Cli.Result refused = update();

    assertThat(refused.exitCode()).isEqualTo(4);
    assertThat(refused.err())
        .contains(
            "destination refused: 127.0.0.1: refused: a private or local address"
                + " (allow-private-destinations is false)");
  }

  @Test
  void aRequiredListWithoutAnAcceptedCommitKeepsTheProxyFromStarting() throws Exception {
    git.stop();
    Files.writeString(
        config, Files.readString(config).replace("state-dir:", "    required: true\nstate-dir:"));

    Cli.Result run = Cli.run("run", "--config", config.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(run.err())
        .contains(
            "exitfilter: not started: shared list cascade is required and has no accepted commit");
  }
}
