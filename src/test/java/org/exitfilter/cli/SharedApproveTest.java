package org.exitfilter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.exitfilter.testing.GitServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code requests approve --shared NAME --sign-key FILE}: one exit's approval becomes a commit
 * signed with the operator's key on the shared list's branch, which another exit that trusts that
 * key accepts and enforces; a key the other exits do not trust gets the commit refused there.
 */
class SharedApproveTest {
  @TempDir Path dir;
  private GitServer git;
  private GitServer.Key ops;
  private GitServer.Key operator;
  private Path first;
  private Path second;

  @BeforeEach
  void start() throws Exception {
    git = GitServer.start(dir.resolve("git"));
    ops = git.newKey("ops@example.net");
    operator = git.newKey("exit1@example.net");
    git.commit(ops, "blocklist.yaml", "bans:\n  - domain: old.test\n");
    first = exit("exit1", ops.allowedSignersLine() + "\n" + operator.allowedSignersLine());
  }

  @AfterEach
  void stop() {
    git.close();
  }

  /** An exit's folder following the list, trusting the given allowed signers. */
  private Path exit(String name, String allowedSigners) throws Exception {
    Path folder = Files.createDirectories(dir.resolve(name));
    Cli.write(folder, "cascade.allowed_signers", allowedSigners);
    Cli.write(folder, "blocklist.yaml", "bans: []");
    return Cli.write(
        folder,
        "exitfilter.yaml",
        "listen: 127.0.0.1:0",
        "admin: off",
        "allow-private-destinations: true",
        "shared-lists:",
        "  - name: cascade",
        "    git: " + git.url(),
        "    path: blocklist.yaml",
        "    allowed-signers: cascade.allowed_signers",
        "state-dir: state");
  }

  private String importRequest(Path config) throws Exception {
    Path mail = Path.of("src/test/resources/eml/plain.eml").toAbsolutePath();
    Cli.Result imported =
        Cli.run("requests", "import", "--config", config.toString(), mail.toString());
    assertThat(imported.exitCode()).as(imported.err()).isZero();
    try (var files = Files.list(config.resolveSibling("requests"))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml"))
          .map(n -> n.substring(0, n.length() - ".yaml".length()))
          .findFirst()
          .orElseThrow();
    }
  }

  private Cli.Result approve(Path config, String id, Path key) {
    return Cli.run(
        "requests",
        "approve",
        "--config",
        config.toString(),
        id,
        "--domain",
        "forum.example.org",
        "--force",
        "--shared",
        "cascade",
        "--sign-key",
        key.toString());
  }

  @Test
  void anApprovalWithSharedIsASignedCommitThatAnotherExitAcceptsAndEnforces() throws Exception {
    second = exit("exit2", ops.allowedSignersLine() + "\n" + operator.allowedSignersLine());
    String id = importRequest(first);

    Cli.Result approved = approve(first, id, operator.file());

    assertThat(approved.exitCode()).as(approved.err()).isZero();
    assertThat(approved.out())
        .containsPattern("banned forum\\.example\\.org in cascade@[0-9a-f]{7}:blocklist\\.yaml:3")
        .contains("pushed; every exit that follows cascade applies it");
    assertThat(Files.readString(first.resolveSibling("blocklist.yaml")))
        .as("the local blocklist is untouched")
        .isEqualTo("bans: []\n");
    RevCommit tip = tip();
    assertThat(tip.getRawGpgSignature()).as("the pushed commit is signed").isNotNull();

    Cli.Result update = Cli.run("shared", "update", "--config", second.toString());
    Cli.Result check =
        Cli.run("check", "--config", second.toString(), "--no-resolve", "forum.example.org");

    assertThat(update.exitCode()).as(update.out() + update.err()).isZero();
    assertThat(update.out()).contains("accepted, signed by exit1@example.net");
    assertThat(check.exitCode()).isEqualTo(ExitCodes.BLOCKED);
    assertThat(check.out())
        .contains("BLOCKED by domain forum.example.org at cascade@" + tip.name().substring(0, 7));
  }

  @Test
  void liftWithSharedRemovesTheBanInASignedCommitAndTheOtherExitLetsTheSiteThrough()
      throws Exception {
    second = exit("exit2", ops.allowedSignersLine() + "\n" + operator.allowedSignersLine());
    String id = importRequest(first);
    assertThat(approve(first, id, operator.file()).exitCode()).isZero();
    assertThat(Cli.run("shared", "update", "--config", second.toString()).exitCode()).isZero();

    Cli.Result lifted =
        Cli.run(
            "requests",
            "lift",
            "--config",
            first.toString(),
            id,
            "--shared",
            "cascade",
            "--sign-key",
            operator.file().toString());
    Cli.Result update = Cli.run("shared", "update", "--config", second.toString());
    Cli.Result check =
        Cli.run("check", "--config", second.toString(), "--no-resolve", "forum.example.org");

    assertThat(lifted.exitCode()).as(lifted.err()).isZero();
    assertThat(lifted.out())
        .containsPattern("removed the ban on forum\\.example\\.org from cascade@[0-9a-f]{7}")
        .contains("request " + id + " lifted");
    assertThat(update.exitCode()).as(update.out() + update.err()).isZero();
    assertThat(check.exitCode()).as(check.out()).isZero();
    assertThat(check.out()).doesNotContain("BLOCKED");
  }

  @Test
  void aCommitSignedByAKeyAnotherExitDoesNotTrustIsRefusedThere() throws Exception {
    second = exit("exit2", ops.allowedSignersLine());
    String id = importRequest(first);

    assertThat(approve(first, id, operator.file()).exitCode()).isZero();
    Cli.Result update = Cli.run("shared", "update", "--config", second.toString());

    assertThat(update.exitCode()).isEqualTo(3);
    assertThat(update.err() + update.out()).contains("not signed by an allowed signer");
  }

  @Test
  void sharedWithoutASigningKeyIsAUsageError() throws Exception {
    String id = importRequest(first);

    Cli.Result result =
        Cli.run(
            "requests",
            "approve",
            "--config",
            first.toString(),
            id,
            "--force",
            "--shared",
            "cascade");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("--shared cascade needs --sign-key FILE");
  }

  private RevCommit tip() throws Exception {
    try (Git bare = Git.open(dir.resolve("git/served/cascade.git").toFile());
        RevWalk walk = new RevWalk(bare.getRepository())) {
      return walk.parseCommit(bare.getRepository().resolve("refs/heads/main"));
    }
  }
}
