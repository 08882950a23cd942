package org.exitfilter.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.exitfilter.net.IpNetwork;

/**
 * The validated contents of {@code exitfilter.yaml}. Paths are resolved against the config file's
 * folder.
 *
 * @param file the config file itself
 * @param listen where the proxy listens ({@code listen:}, default 127.0.0.1:3128)
 * @param clients networks allowed to connect ({@code clients:}); empty means any, which the loader
 *     only allows when {@code listen} is a loopback address
 * @param resolver the DNS server for destinations ({@code resolver:}), or {@code null} for the
 *     system's resolver configuration and hosts file
 * @param connectPorts ports CONNECT may reach ({@code connect-ports:}, default [443])
 * @param allowPrivateDestinations whether loopback, private, link-local, CGNAT, multicast and
 *     unspecified destinations may be reached ({@code allow-private-destinations:}, default false)
 * @param blocklist the blocklist file ({@code blocklist:}, default blocklist.yaml)
 * @param blockPage the HTML template of the block page ({@code block-page:}), or {@code null} for
 *     the built-in page (the same as the shipped conf/blockpage.html)
 * @param admin where the admin listener serves metrics and status ({@code admin:}, default
 *     127.0.0.1:9128), or {@code null} when set to {@code off}
 * @param limits resource limits ({@code limits:})
 * @param notice the exit notice listener ({@code notice:}), or {@code null} for none
 * @param sharedLists the signed ban lists followed from git ({@code shared-lists:}), in file order
 * @param stateDir where the mirrors and accepted commits of shared lists live ({@code state-dir:},
 *     default a folder "state" beside the config file)
 * @param abuse the abuse desk ({@code abuse:}), or {@code null} when off
 * @param dnsbl the DNS blocklists watched ({@code dnsbl:}), or {@code null} when off
 */
public record ProxyConfig(
    Path file,
    InetSocketAddress listen,
    List<IpNetwork> clients,
    InetSocketAddress resolver,
    Set<Integer> connectPorts,
    boolean allowPrivateDestinations,
    Path blocklist,
    Path blockPage,
    InetSocketAddress admin,
    Limits limits,
    NoticeConfig notice,
    List<SharedListConfig> sharedLists,
    Path stateDir,
    AbuseConfig abuse,
    DnsblConfig dnsbl) {

  public ProxyConfig {
    clients = List.copyOf(clients);
    connectPorts = Set.copyOf(connectPorts);
    sharedLists = List.copyOf(sharedLists);
  }

  /**
   * A configuration without an exit notice, shared lists, abuse desk or DNSBL watch, its state
   * beside the config file, as tests and tools build one.
   */
  public ProxyConfig(
      Path file,
      InetSocketAddress listen,
      List<IpNetwork> clients,
      InetSocketAddress resolver,
      Set<Integer> connectPorts,
      boolean allowPrivateDestinations,
      Path blocklist,
      Path blockPage,
      InetSocketAddress admin,
      Limits limits) {
    this(
        file,
        listen,
        clients,
        resolver,
        connectPorts,
        allowPrivateDestinations,
        blocklist,
        blockPage,
        admin,
        limits,
        null,
        List.of(),
        file.resolveSibling("state"),
        null,
        null);
  }

  /**
   * This configuration for a proxy that serves the operator's own tools (ban proofs, RDAP, git): on
   * 127.0.0.1 at a port of the system's choosing, for no other client, without pages or admin,
   * tunnelling to {@code connectPorts}; the resolver, {@code allow-private-destinations}, the
   * blocklist's path and the limits stay the operator's, so a tool reaches only what a user could.
   */
  public ProxyConfig forToolsOnLoopback(Set<Integer> connectPorts) {
    return new ProxyConfig(
        file,
        new InetSocketAddress("127.0.0.1", 0),
        List.of(),
        resolver,
        connectPorts,
        allowPrivateDestinations,
        blocklist,
        // nobody reads a refusal's page there: Proxy-Status or the observer says why
        null,
        null,
        limits);
  }
}
