package org.exitfilter.shared;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.exitfilter.config.BlocklistLoader;
import org.exitfilter.config.ConfigLoader;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.net.HostParser;
import org.exitfilter.reload.CurrentBlocklist;

/**
 * A follower without a proxy around it: the same {@link SharedLists} and {@link CurrentBlocklist}
 * that {@code exitfilter run} wires (RunCommand), with its own config and {@code state-dir}, in the
 * benchmark's JVM. Enforcement is read from the snapshot a request would take ({@link
 * CurrentBlocklist#get}), which is what the proxy checks each request against.
 */
final class InJvmFollower implements Follower, AutoCloseable {
  private final String label;
  final SharedLists shared;
  final CurrentBlocklist current;

  private InJvmFollower(String label, SharedLists shared, CurrentBlocklist current) {
    this.label = label;
    this.shared = shared;
    this.current = current;
  }

  /**
   * Opens a follower of {@code url} in {@code dir}: the accepted list from its state-dir is put in
   * force; nothing is fetched until {@link #follow} or {@link SharedLists#update}.
   */
  static InJvmFollower open(String label, Path dir, String url, Path allowedSigners, String refresh)
      throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("blocklist.yaml"), "bans: []\n");
    Path config = dir.resolve("exitfilter.yaml");
    Files.writeString(
        config,
        "listen: 127.0.0.1:9\n"
            + "admin: off\n"
            + "allow-private-destinations: true\n"
            + "blocklist: blocklist.yaml\n"
            + "shared-lists:\n"
            + "  - name: cascade\n"
            + "    git: "
            + url
            + "\n"
            + "    path: blocklist.yaml\n"
            + "    allowed-signers: "
            + allowedSigners
            + "\n"
            + "    refresh: "
            + refresh
            + "\n"
            + "state-dir: state\n");
    ProxyConfig proxyConfig = ConfigLoader.load(config);
    LocalDate day = LocalDate.now(ZoneOffset.UTC);
    CurrentBlocklist current =
        new CurrentBlocklist(
            BlocklistLoader.load(proxyConfig.blocklist(), BlocklistLoader.Analysis.PER_ENTRY), day);
    SharedLists shared = SharedLists.open(proxyConfig, Clock.systemUTC());
    shared.putInForce(current);
    return new InJvmFollower(label, shared, current);
  }

  /** Fetches now and every refresh, as a running proxy does. */
  void follow() {
    shared.start(current, (name, result) -> {});
  }

  /**
   * Compiles the accepted commits and swaps them in, as the proxy does after an accepted update.
   */
  void apply() {
    shared.putInForce(current);
  }

  @Override
  public String label() {
    return label;
  }

  @Override
  public boolean enforces(String name) {
    try {
      return current.get().check(HostParser.parseName(name), 80).blocked();
    } catch (Exception e) {
      throw new IllegalArgumentException(name, e);
    }
  }

  @Override
  public void close() {
    shared.close();
  }
}
