package org.exitfilter.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A real git server over SSH on 127.0.0.1 and an ephemeral port: Apache MINA's SSH server running
 * JGit's own {@link UploadPack} for {@code git-upload-pack}, serving one repository for fetch. Any
 * public key may log in (the tests are about where git connects, not who it is). Counts every
 * session that reaches it.
 */
public final class SshGit implements AutoCloseable {
  private final Repository repository;
  private final SshServer server;
  private final AtomicInteger sessions = new AtomicInteger();

  private SshGit(Repository repository) throws IOException, GeneralSecurityException {
    this.repository = repository;
    server = SshServer.setUpDefaultServer();
    server.setHost(Loopback.ADDRESS.getHostAddress());
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(KeyUtils.generateKeyPair("ssh-ed25519", 256)));
    server.setPublickeyAuthenticator((user, key, session) -> true);
    server.setCommandFactory((channel, command) -> new UploadCommand());
    server.addSessionListener(
        new org.apache.sshd.common.session.SessionListener() {
          @Override
          public void sessionCreated(org.apache.sshd.common.session.Session session) {
            sessions.incrementAndGet();
          }
        });
    server.start();
  }

  /** Serves {@code repository} until closed. */
  public static SshGit serve(Repository repository) throws IOException, GeneralSecurityException {
    return new SshGit(repository);
  }

  public int port() {
    return server.getPort();
  }

  /** The URL of the repository under {@code host}, e.g. a name the test's DNS server knows. */
  public String url(String host) {
    return "ssh://git@" + host + ":" + port() + "/cascade.git";
  }

  /** SSH sessions that reached the server. */
  public int sessions() {
    return sessions.get();
  }

  @Override
  public void close() throws IOException {
    server.stop(true);
  }

  /** {@code git-upload-pack '/cascade.git'}, whatever the path: there is one repository. */
  private final class UploadCommand implements Command {
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;

    @Override
    public void setInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
      this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback exit) {
      this.exit = exit;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
      Thread upload =
          new Thread(
              () -> {
                try {
                  new UploadPack(repository).upload(in, out, err);
                  out.flush();
                  exit.onExit(0);
                } catch (IOException e) {
                  exit.onExit(1, String.valueOf(e.getMessage()));
                }
              },
              "ssh-git-upload-pack");
      upload.setDaemon(true);
      upload.start();
    }

    @Override
    public void destroy(ChannelSession channel) {}
  }
}
