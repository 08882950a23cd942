package org.exitfilter.requests;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.BlocklistLoader;
import org.exitfilter.config.ConfigException;
import org.exitfilter.config.ConfigLoader;
import org.exitfilter.config.ProxyConfig;

/**
 * An operator's conf/ folder in a temporary directory: exitfilter.yaml (resolver on loopback,
 * private destinations allowed or not), blocklist.yaml and a block page; and the workflow on it,
 * with a fixed clock and the proof URL's port pointed at a loopback origin.
 */
final class Workspace {
  static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  final Path dir;
  final ProxyConfig config;

  private Workspace(Path dir, ProxyConfig config) {
    this.dir = dir;
    this.config = config;
  }

  static Builder in(Path dir) {
    return new Builder(dir);
  }

  static final class Builder {
    private final Path dir;
    private String blocklist = "bans: []\n";
    private int resolverPort = 9; // discard: nothing answers, no test reaches it by accident
    private boolean allowPrivate = true;

    Builder(Path dir) {
      this.dir = dir;
    }

    Builder blocklist(String yaml) {
      this.blocklist = yaml;
      return this;
    }

    Builder resolverPort(int port) {
      this.resolverPort = port;
      return this;
    }

    Builder allowPrivateDestinations(boolean allow) {
      this.allowPrivate = allow;
      return this;
    }

    Workspace create() throws IOException, ConfigException {
      Files.writeString(
          dir.resolve("exitfilter.yaml"),
          "listen: 127.0.0.1:0\n"
              + "resolver: 127.0.0.1:"
              + resolverPort
              + "\n"
              + "allow-private-destinations: "
              + allowPrivate
              + "\n"
              + "admin: off\n",
          UTF_8);
      Files.writeString(dir.resolve("blocklist.yaml"), blocklist, UTF_8);
      Files.writeString(dir.resolve("blockpage.html"), "<p>blocked: {{host}}</p>\n", UTF_8);
      return new Workspace(dir, ConfigLoader.load(dir.resolve("exitfilter.yaml")));
    }
  }

  /** The workflow at {@link #NOW}, with proof files fetched from {@code httpPort}. */
  BanRequests requests(int httpPort) {
    return new BanRequests(config, Clock.fixed(NOW, ZoneOffset.UTC), httpPort);
  }

  BanRequests requests() {
    return requests(9);
  }

  Path blocklistFile() {
    return config.blocklist();
  }

  String blocklistText() throws IOException {
    return Files.readString(config.blocklist(), UTF_8);
  }

  Blocklist loadBlocklist() throws IOException, ConfigException {
    return BlocklistLoader.load(config.blocklist());
  }

  /** Copies a fixture from src/test/resources/eml/ into the workspace, byte for byte. */
  Path mail(String name) {
    Path target = dir.resolve("mail").resolve(name);
    try (InputStream in = Workspace.class.getResourceAsStream("/eml/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture /eml/" + name);
      }
      Files.createDirectories(target.getParent());
      Files.write(target, in.readAllBytes());
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
