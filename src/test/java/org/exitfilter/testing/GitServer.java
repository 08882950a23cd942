package org.exitfilter.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.Daemon;
import org.eclipse.jgit.transport.RefSpec;

/**
 * A real git server on 127.0.0.1: JGit's own daemon (the git:// protocol), serving one bare
 * repository with receive-pack enabled, and a working clone that commits, signs with SSH keys the
 * test made, and pushes to it.
 *
 * <pre>{@code
 * try (GitServer git = GitServer.start(dir)) {
 *   GitServer.Key ops = git.newKey("ops@example.net");
 *   git.commit(ops, "blocklist.yaml", "bans:\n  - domain: banned.test\n");
 *   // follow git.url() with ops's allowed signers line
 * }
 * }</pre>
 */
public final class GitServer implements AutoCloseable {
  private final Path dir;
  private final Repository bare;
  private final Git work;
  private Daemon daemon;
  private int port;
  private int keys;

  private GitServer(Path dir, Repository bare, Git work) {
    this.dir = dir;
    this.bare = bare;
    this.work = work;
  }

  /** Creates the repositories under {@code dir} and starts serving on an ephemeral port. */
  public static GitServer start(Path dir) throws IOException, GitAPIException {
    Path barePath = dir.resolve("served/cascade.git");
    Repository bare = new FileRepositoryBuilder().setGitDir(barePath.toFile()).setBare().build();
    bare.create(true);
    Git work =
        Git.init().setDirectory(dir.resolve("work").toFile()).setInitialBranch("main").call();
    GitServer server = new GitServer(dir, bare, work);
    server.listen(0);
    return server;
  }

  private void listen(int wanted) throws IOException {
    daemon = new Daemon(new InetSocketAddress("127.0.0.1", wanted));
    daemon.getService("git-receive-pack").setEnabled(true);
    daemon.setRepositoryResolver(
        (request, name) -> {
          bare.incrementOpen();
          return bare;
        });
    daemon.start();
    port = daemon.getAddress().getPort();
  }

  /** The URL exits follow. */
  public String url() {
    return "git://127.0.0.1:" + port + "/cascade.git";
  }

  /** The served bare repository, for serving it another way too ({@link SmartHttpGit}). */
  public Repository repository() {
    return bare;
  }

  /** Stops serving; {@link #restart} serves again on the same port. */
  public void stop() {
    daemon.stop();
  }

  public void restart() throws IOException {
    listen(port);
  }

  /** A new Ed25519 key pair, its private key written in OpenSSH format. */
  public Key newKey(String principal) throws IOException, GeneralSecurityException {
    KeyPair pair = KeyUtils.generateKeyPair("ssh-ed25519", 256);
    Path file = dir.resolve("key-" + ++keys);
    try (OutputStream out = Files.newOutputStream(file)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, principal, null, out);
    }
    return new Key(file, principal + " " + PublicKeyEntry.toString(pair.getPublic()));
  }

  /**
   * A signing key.
   *
   * @param file the private key, as {@code user.signingKey} names it
   * @param allowedSignersLine this key's line for an allowed signers file
   */
  public record Key(Path file, String allowedSignersLine) {}

  /**
   * Writes {@code path} in the working clone, commits (signed by {@code key}, unsigned when null)
   * on top of the last commit and pushes to the served repository.
   */
  public RevCommit commit(Key key, String path, String content) throws Exception {
    RevCommit commit = commitLocally(key, path, content);
    push(false);
    return commit;
  }

  /** As {@link #commit} without the push. */
  public RevCommit commitLocally(Key key, String path, String content) throws Exception {
    Path file = work.getRepository().getWorkTree().toPath().resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    work.add().addFilepattern(path).call();
    var command = work.commit().setMessage("edit " + path).setAuthor("ops", "ops@example.net");
    command.setCommitter("ops", "ops@example.net");
    if (key == null) {
      command.setSign(false);
    } else {
      Config config = new Config();
      config.setString("gpg", null, "format", "ssh");
      command
          .setSign(true)
          .setSigningKey(key.file().toString())
          .setGpgConfig(new GpgConfig(config));
    }
    return command.call();
  }

  /** Moves the branch back to the commit before the last one (a rewrite, once pushed). */
  public void dropLastCommit() throws Exception {
    work.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).setRef("HEAD~1").call();
  }

  /** Pushes main; {@code force} for a rewritten history. */
  public void push(boolean force) throws GitAPIException {
    work.push()
        .setRemote(url())
        .setRefSpecs(new RefSpec((force ? "+" : "") + "refs/heads/main:refs/heads/main"))
        .call();
  }

  @Override
  public void close() {
    daemon.stop();
    work.close();
    bare.close();
  }
}
