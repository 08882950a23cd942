package org.exitfilter.shared;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;

/**
 * The signer's side of the benchmark: a bare repository for the server, a working clone that
 * commits with an SSH signature (an Ed25519 key made here, as the e2e tests' {@code GitServer}
 * makes its keys) and pushes, as a network's signer would.
 */
final class SignedRepo implements AutoCloseable {
  private final Git work;
  private final Path key;
  private final String allowedSignersLine;

  private SignedRepo(Git work, Path key, String allowedSignersLine) {
    this.work = work;
    this.key = key;
    this.allowedSignersLine = allowedSignersLine;
  }

  /** A bare {@code served/NAME.git} under {@code base} and a working clone in {@code dir}. */
  static SignedRepo create(Path base, String name, Path dir) throws Exception {
    try (Repository bare =
        new FileRepositoryBuilder()
            .setGitDir(base.resolve(name + ".git").toFile())
            .setBare()
            .build()) {
      bare.create(true);
    }
    Git work =
        Git.init().setDirectory(dir.resolve("work").toFile()).setInitialBranch("main").call();
    KeyPair pair = generate();
    Path key = dir.resolve("signer-key");
    try (OutputStream out = Files.newOutputStream(key)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "ops@bench.test", null, out);
    }
    return new SignedRepo(work, key, "ops@bench.test " + PublicKeyEntry.toString(pair.getPublic()));
  }

  private static KeyPair generate() throws GeneralSecurityException {
    return KeyUtils.generateKeyPair("ssh-ed25519", 256);
  }

  /** The line of an exit's allowed signers file that trusts this repository's signer. */
  String allowedSignersLine() {
    return allowedSignersLine;
  }

  Path workTree() {
    return work.getRepository().getWorkTree().toPath();
  }

  /** Adds every change of the working tree and commits it, signed. */
  RevCommit commit(String message) throws Exception {
    work.add().addFilepattern(".").call();
    Config config = new Config();
    config.setString("gpg", null, "format", "ssh");
    return work.commit()
        .setMessage(message)
        .setAuthor("ops", "ops@bench.test")
        .setCommitter("ops", "ops@bench.test")
        .setSign(true)
        .setSigningKey(key.toString())
        .setGpgConfig(new GpgConfig(config))
        .call();
  }

  void push(String url) throws Exception {
    work.push().setRemote(url).setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main")).call();
  }

  /**
   * Pushes with git itself, as a signer following docs/SHARED-LISTS.md does: it sends a thin pack,
   * a changed file as a delta against the version the server has.
   */
  void pushWithGit(String url) throws Exception {
    Process p =
        new ProcessBuilder(
                "git",
                "-C",
                workTree().toString(),
                "push",
                "-q",
                url,
                "refs/heads/main:refs/heads/main")
            .redirectErrorStream(true)
            .start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("git push failed: " + out);
    }
  }

  @Override
  public void close() {
    work.close();
  }

  static void append(Path file, String line) throws IOException {
    Files.writeString(file, line + "\n", java.nio.file.StandardOpenOption.APPEND);
  }
}
