package org.exitfilter.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.eclipse.jgit.revwalk.RevCommit;
import org.exitfilter.config.ConfigLoader;
import org.exitfilter.testing.Await;
import org.exitfilter.testing.GitServer;
import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.LoopbackDns;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.RawResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package as an operator gets it: {@code mvn package} builds {@code
 * target/exitfilter_*_all.deb}; this test installs it with {@code dpkg -i}, runs the installed
 * {@code /usr/bin/exitfilter}, sends an allowed and a banned request through it on loopback, and
 * purges the package at the end.
 *
 * <p>Runs only as root with dpkg (the CI machine), and only where no exitfilter package is
 * installed already, which it would otherwise replace and purge. Runs of this test in other
 * checkouts on the same machine take turns through a lock file, since dpkg allows one at a time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PackageInstallIT {
  private static final Path DPKG = Path.of("/usr/bin/dpkg");
  private static final Path INSTALLED = Path.of("/usr/bin/exitfilter");
  private static final Path LOCK = Path.of("/tmp/exitfilter-package-it.lock");
  private static final List<String> CONFFILES =
      List.of(
          "/etc/exitfilter/exitfilter.yaml",
          "/etc/exitfilter/blocklist.yaml",
          "/etc/exitfilter/blockpage.html");

  @TempDir Path dir;
  private FileChannel lockChannel;
  private FileLock lock;
  private boolean installed;

  @BeforeAll
  @Timeout(value = 3, unit = TimeUnit.MINUTES) // the lock may wait for another checkout's run
  void install() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(DPKG), "dpkg is not installed: not a Debian machine");
    Assumptions.assumeTrue(
        run("id", "-u").output().strip().equals("0"), "not root: dpkg -i needs root");
    lockChannel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    AtomicReference<FileLock> taken = new AtomicReference<>();
    Await.until(
        "no other run of this test holds " + LOCK,
        Duration.ofSeconds(150),
        () -> {
          try {
            taken.set(lockChannel.tryLock());
            return taken.get() != null;
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        });
    lock = taken.get();
    Assumptions.assumeFalse(
        run("dpkg-query", "-W", "-f=${db:Status-Status}", "exitfilter")
            .output()
            .strip()
            .equals("installed"),
        "an exitfilter package is installed on this machine; this test will not replace it");

    Path deb = newestDeb();
    Result install = run("dpkg", "-i", deb.toString());
    installed = true;
    assertThat(install.exitCode()).as("dpkg -i %s:\n%s", deb, install.output()).isZero();
  }

  @AfterAll
  void purge() throws Exception {
    try {
      if (installed) {
        Result purge = run("dpkg", "--purge", "exitfilter");
        assertThat(purge.exitCode()).as("dpkg --purge:\n%s", purge.output()).isZero();
        assertThat(INSTALLED).doesNotExist();
        assertThat(Path.of("/var/lib/exitfilter")).doesNotExist();
        assertThat(Path.of("/etc/exitfilter/exitfilter.yaml")).doesNotExist();
      }
    } finally {
      if (lock != null) {
        lock.release();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    }
  }

  @Test
  void theInstalledCommandIsOnThePathAndPrintsItsVersion() throws Exception {
    Result version = run(INSTALLED.toString(), "--version");

    assertThat(version.exitCode()).as(version.output()).isZero();
    assertThat(version.output()).startsWith("exitfilter ").doesNotContain("dev");
  }

  @Test
  void theConfigurationIsRegisteredAsConffilesSoUpgradesKeepEdits() throws Exception {
    Result conffiles = run("dpkg-query", "-W", "-f=${Conffiles}", "exitfilter");

    assertThat(conffiles.exitCode()).as(conffiles.output()).isZero();
    assertThat(conffiles.output()).contains(CONFFILES);
    for (String file : CONFFILES) {
      assertThat(Path.of(file)).isRegularFile();
    }
  }

  @Test
  void theServiceUserOwnsItsStateAndCacheFoldersAndTheUnitRunsTheLauncher() throws Exception {
    assertThat(run("getent", "passwd", "exitfilter").exitCode()).isZero();
    for (String folder : List.of("/var/lib/exitfilter", "/var/cache/exitfilter")) {
      assertThat(Files.getOwner(Path.of(folder)).getName()).as(folder).isEqualTo("exitfilter");
    }
    assertThat(Files.readString(Path.of("/lib/systemd/system/exitfilter.service")))
        .contains("ExecStart=/usr/bin/exitfilter run --config /etc/exitfilter/exitfilter.yaml")
        .contains("ExecReload=/bin/kill -HUP $MAINPID");
  }

  @Test
  void theInstalledConfigurationKeepsStateInTheFolderSystemdLetsTheServiceWrite() throws Exception {
    assertThat(ConfigLoader.load(Path.of("/etc/exitfilter/exitfilter.yaml")).stateDir())
        .as("state-dir of the installed exitfilter.yaml, as the service reads it")
        .isEqualTo(Path.of("/var/lib/exitfilter"));
    assertThat(Files.readString(Path.of("/lib/systemd/system/exitfilter.service")))
        .as("/etc is read-only to the service; its state folder is the one systemd makes for it")
        .contains("ProtectSystem=strict", "ReadOnlyPaths=/etc/exitfilter")
        .contains("StateDirectory=exitfilter");
    Path probe = Path.of("/var/lib/exitfilter/probe");
    Result write =
        run(
            "setpriv",
            "--reuid=exitfilter",
            "--regid=exitfilter",
            "--init-groups",
            "touch",
            probe.toString());
    try {
      assertThat(write.exitCode())
          .as("the service user writes its state: %s", write.output())
          .isZero();
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  @Test
  void anOperatorsSharedUpdateAsRootReadsEtcAndLeavesStateTheServiceCanStillWrite()
      throws Exception {
    Path config = Path.of("/etc/exitfilter/exitfilter.yaml");
    Path signers = Path.of("/etc/exitfilter/cascade.allowed_signers");
    String shipped = Files.readString(config);
    try (GitServer git = GitServer.start(dir.resolve("git"))) {
      GitServer.Key ops = git.newKey("ops@example.net");
      Files.writeString(signers, ops.allowedSignersLine() + "\n");
      RevCommit commit = git.commit(ops, "blocklist.yaml", "bans:\n  - domain: banned.test\n");
      Files.writeString(
          config,
          shipped.replace("allow-private-destinations: false", "allow-private-destinations: true")
              + "shared-lists:\n"
              + "  - name: cascade\n"
              + "    git: "
              + git.url()
              + "\n"
              + "    path: blocklist.yaml\n"
              + "    allowed-signers: cascade.allowed_signers\n");

      Result update = run(INSTALLED.toString(), "shared", "update");
      Result status = run(INSTALLED.toString(), "shared", "status");

      assertThat(update.exitCode()).as(update.output()).isZero();
      assertThat(update.output()).contains("cascade: accepted");
      assertThat(status.output())
          .as("no --config: the installed configuration's list")
          .contains("cascade: " + git.url())
          .contains("accepted: " + commit.name().substring(0, 7));
      Path state = Path.of("/var/lib/exitfilter/cascade");
      assertThat(state.resolve("accepted-entries")).isRegularFile();
      try (Stream<Path> files = Files.walk(state)) {
        assertThat(files.filter(f -> !owner(f).equals("exitfilter")))
            .as("files under %s that the service's user does not own", state)
            .isEmpty();
      }
    } finally {
      Files.writeString(config, shipped);
      Files.deleteIfExists(signers);
    }
  }

  @Test
  void installedCommandsReadTheConfigurationInEtcByDefault() throws Exception {
    Result validate = run(INSTALLED.toString(), "validate");

    assertThat(validate.exitCode()).as(validate.output()).isZero();
    assertThat(validate.output()).contains("/etc/exitfilter/blocklist.yaml: valid");
  }

  @Test
  void theInstalledLauncherForwardsAnAllowedRequestAndRefusesABannedOne() throws Exception {
    try (HttpOrigin origin = HttpOrigin.start();
        LoopbackDns dns = LoopbackDns.start()) {
      dns.put("origin.test", "127.0.0.1").put("blocked.test", "127.0.0.1");
      int port = freePort();
      Path config = writeConfig(port, dns.port());
      Path log = dir.resolve("proxy.log");
      Process proxy =
          new ProcessBuilder(INSTALLED.toString(), "run", "--config", config.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        Await.until(
            "the installed proxy listens on port " + port + " or ends",
            Duration.ofSeconds(30),
            () -> listens(port) || !proxy.isAlive());
        assertThat(proxy.isAlive()).as("the proxy is running; its log:\n%s", read(log)).isTrue();

        RawResponse banned = get(port, "blocked.test", origin.port());
        assertThat(banned.status()).as(banned.toString()).isEqualTo(403);
        assertThat(origin.acceptedConnections())
            .as("the ban is decided before any connection to the origin")
            .isZero();

        RawResponse allowed = get(port, "origin.test", origin.port());
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
        assertThat(allowed.bodyText()).isEqualTo("hello\n");
        assertThat(origin.acceptedConnections()).isEqualTo(1);
      } finally {
        proxy.destroy();
        if (!proxy.waitFor(20, TimeUnit.SECONDS)) {
          proxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          throw new AssertionError("the proxy did not stop on SIGTERM; its log:\n" + read(log));
        }
      }
    }
  }

  private Path writeConfig(int port, int dnsPort) throws IOException {
    Files.writeString(dir.resolve("blocklist.yaml"), "bans:\n  - host: blocked.test\n");
    Files.copy(Path.of("conf", "blockpage.html"), dir.resolve("blockpage.html"));
    return Files.writeString(
        dir.resolve("exitfilter.yaml"),
        "listen: 127.0.0.1:"
            + port
            + "\n"
            + "resolver: 127.0.0.1:"
            + dnsPort
            + "\n"
            + "allow-private-destinations: true\n"
            + "blocklist: blocklist.yaml\n"
            + "block-page: blockpage.html\n"
            + "admin: off\n");
  }

  private static RawResponse get(int proxyPort, String host, int originPort) throws IOException {
    String authority = host + ":" + originPort;
    try (RawClient client = RawClient.connect(new InetSocketAddress("127.0.0.1", proxyPort))) {
      client.send(
          "GET http://"
              + authority
              + "/ HTTP/1.1\r\nHost: "
              + authority
              + "\r\nConnection: close\r\n\r\n");
      return client.readResponse();
    }
  }

  /** A port free right now: the installed proxy is started on it (it cannot report port 0's). */
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    }
  }

  private static boolean listens(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The most recently built package in target/. */
  private static Path newestDeb() throws IOException {
    List<Path> debs = new ArrayList<>();
    try (DirectoryStream<Path> found =
        Files.newDirectoryStream(Path.of("target"), "exitfilter_*_all.deb")) {
      found.forEach(debs::add);
    }
    assertThat(debs).as("mvn package built target/exitfilter_*_all.deb").isNotEmpty();
    return debs.stream().max(Comparator.comparing(PackageInstallIT::modified)).orElseThrow();
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String owner(Path file) {
    try {
      return Files.getOwner(file).getName();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, UTF_8) : "";
  }

  /** How a command ended, with its stdout and stderr merged. */
  record Result(int exitCode, String output) {}

  private static Result run(String... command) throws Exception {
    Process process = new ProcessBuilder(Arrays.asList(command)).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("did not end: " + String.join(" ", command));
    }
    return new Result(process.exitValue(), output);
  }
}
