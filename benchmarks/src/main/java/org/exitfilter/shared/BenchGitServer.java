package org.exitfilter.shared;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.Daemon;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.resolver.RepositoryResolver;

/**
 * The git server of the shared-list benchmark, in a JVM of its own so that its CPU time per fetch
 * can be read from {@code /proc}: JGit's daemon (the git:// protocol, as the e2e tests serve) on
 * 127.0.0.1, with receive-pack enabled, serving every bare repository {@code NAME.git} under its
 * folder.
 *
 * <p>Prints {@code port N} once listening, then one line per pack it sends: {@code upload bytes=B
 * objects=O deltas=D ms=T} (JGit's {@code PackStatistics}). A fetch that finds nothing new sends no
 * pack and prints nothing. Stops when its standard input closes.
 *
 * <pre>{@code java -cp benchmarks/target/benchmarks.jar org.exitfilter.shared.BenchGitServer DIR}
 * </pre>
 */
public final class BenchGitServer {
  private BenchGitServer() {}

  public static void main(String[] args) throws Exception {
    Path base = Path.of(args[0]).toAbsolutePath();
    Daemon daemon = new Daemon(new InetSocketAddress("127.0.0.1", 0));
    daemon.getService("git-receive-pack").setEnabled(true);
    daemon.setRepositoryResolver(
        (RepositoryResolver<org.eclipse.jgit.transport.DaemonClient>)
            (client, name) -> open(base, name));
    daemon.setUploadPackFactory(
        (client, repo) -> {
          UploadPack up = new UploadPack(repo);
          up.setTimeout(daemon.getTimeout());
          up.setPackConfig(daemon.getPackConfig());
          up.setPostUploadHook(
              stats ->
                  System.out.printf(
                      "upload bytes=%d objects=%d deltas=%d ms=%d%n",
                      stats.getTotalBytes(),
                      stats.getTotalObjects(),
                      stats.getTotalDeltas(),
                      stats.getTimeTotal()));
          return up;
        });
    daemon.start();
    System.out.println("port " + daemon.getAddress().getPort());
    System.out.flush();
    CountDownLatch stdinClosed = new CountDownLatch(1);
    Thread watcher =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // the driver never writes; it closes standard input to stop this server
                }
              } catch (IOException e) {
                // closed
              }
              stdinClosed.countDown();
            });
    watcher.setDaemon(true);
    watcher.start();
    stdinClosed.await();
    daemon.stop();
  }

  private static Repository open(Path base, String name) {
    String bare = name.startsWith("/") ? name.substring(1) : name;
    Path dir = base.resolve(bare).normalize();
    if (!dir.startsWith(base) || !Files.isDirectory(dir)) {
      throw new IllegalArgumentException("no repository " + name);
    }
    try {
      return new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
