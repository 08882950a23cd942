package org.exitfilter.shared;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URL;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory2;
import org.eclipse.jgit.transport.http.JDKHttpConnectionFactory;
import org.eclipse.jgit.transport.sshd.ProxyData;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.eclipse.jgit.util.FS;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.config.Rule;
import org.exitfilter.config.SharedListConfig;
import org.exitfilter.net.Host;
import org.exitfilter.net.HostParser;
import org.exitfilter.net.InvalidHostException;
import org.exitfilter.policy.DestinationPolicy.Access;
import org.exitfilter.proxy.OutboundCheck;
import org.exitfilter.proxy.ProxyObserver;
import org.exitfilter.proxy.ProxyServer;

/**
 * How git reaches a shared list's repository on the operator's behalf, decided in this one place:
 * through the proxy's own code, as a user's request would go, so that git reaches only what the
 * proxy would let a user reach, and a fetch never becomes a way into the operator's own network.
 *
 * <ul>
 *   <li><b>https and http</b>: JGit's HTTP transport is given a connection factory whose every
 *       connection goes to an in-process {@link ProxyServer} on 127.0.0.1 (https as CONNECT), with
 *       the operator's resolver, {@code allow-private-destinations} and limits. The proxy resolves
 *       the name once, checks that address and connects to exactly it: no second resolution that a
 *       rebinding answer could turn to 127.0.0.1 or 10.x. Redirects JGit follows go the same way.
 *   <li><b>ssh</b> (and sftp): JGit's Apache MINA session factory, with that proxy as its HTTP
 *       CONNECT proxy. MINA still looks the name up once on its own before it asks the proxy (a DNS
 *       query, never a connection); the proxy's answer is the one connected to.
 *   <li><b>git://</b>: JGit opens its own socket with no hook to give it a proxy. The URL's host is
 *       checked first ({@link OutboundCheck}, the same policy), then JGit resolves the name again
 *       when it connects: a rebinding window remains, documented in docs/SHARED-LISTS.md.
 *   <li><b>file://</b> and local paths reach no network and are always allowed.
 * </ul>
 *
 * <p>The in-process proxy allows CONNECT to the ports of the configured lists' URLs on top of the
 * operator's {@code connect-ports} (a list on https://host:8443 needs 8443, ssh needs 22), without
 * widening what users may tunnel to. It starts on the first fetch that needs it.
 *
 * <p>A destination the proxy refuses is reported as "destination refused: HOST: ..." with the
 * reason; a name that does not resolve or a server that does not answer fails the git command as
 * before (the list "could not be reached"). Not thread-safe: one git command at a time (the shared
 * lists' update thread, or one CLI command). Close it to stop the proxy.
 */
final class GitNetwork implements AutoCloseable {
  private final ProxyConfig config;
  private final OutboundCheck outbound;
  private final Set<Integer> gitPorts;
  private final LastRefusal refusals = new LastRefusal();
  private ProxyServer proxy;
  private SshdSessionFactory ssh;

  /** Why git was not let reach a destination, as the operator reads it. */
  static final class DestinationRefused extends Exception {
    private static final long serialVersionUID = 1L;

    DestinationRefused(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * @param lists the shared lists whose URLs git will reach (their ports are allowed for CONNECT)
   */
  GitNetwork(ProxyConfig config, Iterable<SharedListConfig> lists) {
    this.config = config;
    // A git server is the operator's own service: the address rules apply, no user's bans.
    this.outbound = new OutboundCheck(config, OutboundCheck.NO_BANS);
    Set<Integer> ports = new HashSet<>(config.connectPorts());
    for (SharedListConfig list : lists) {
      try {
        URIish url = new URIish(list.git());
        if (url.getHost() != null && !url.getHost().isEmpty()) {
          ports.add(port(url));
        }
      } catch (java.net.URISyntaxException e) {
        // The fetch reports an invalid URL itself.
      }
    }
    this.gitPorts = Set.copyOf(ports);
  }

  /**
   * Runs {@code command} (a fetch, clone or push of {@code url}) with its transport routed as the
   * class comment says.
   *
   * @throws DestinationRefused when the destination policy refuses where {@code url} leads
   * @throws GitAPIException when git fails otherwise, e.g. the name does not resolve
   */
  <C extends TransportCommand<C, T>, T> T call(TransportCommand<C, T> command, URIish url)
      throws GitAPIException, DestinationRefused {
    String scheme = scheme(url);
    if (scheme.equals("git")) {
      String refused = precheck(url);
      if (refused != null) {
        throw new DestinationRefused(refused, null);
      }
    }
    refusals.clear();
    command.setTransportConfigCallback(this::route);
    try {
      return command.call();
    } catch (GitAPIException | JGitInternalException e) {
      ProxyObserver.Outcome refusal = refusals.get();
      if (refusal != null) {
        throw new DestinationRefused(
            "destination refused: " + url.getHost() + ": " + words(refusal, url), e);
      }
      throw e;
    }
  }

  private void route(Transport transport) {
    try {
      if (transport instanceof TransportHttp http) {
        http.setHttpConnectionFactory(new ThroughProxy(proxyAddress()));
      } else if (transport instanceof SshTransport sshTransport) {
        sshTransport.setSshSessionFactory(ssh());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the proxy git fetches through", e);
    }
  }

  /**
   * The check of a git:// URL before JGit connects on its own: its host and port through {@link
   * OutboundCheck} (a non-public address only with {@code allow-private-destinations}).
   *
   * @return why the URL is refused, or {@code null} when it may be fetched
   */
  private String precheck(URIish url) {
    String host = url.getHost();
    if (host == null || host.isEmpty()) {
      return null;
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    // Asked as plain HTTP: connect-ports limits users' tunnels, while git's port (9418) is the
    // operator's own choice in the configuration.
    String refused = outbound.refusal(host, port(url), Access.HTTP);
    if (refused == null || refused.equals("the name does not resolve")) {
      // An unknown name is not refused here: the fetch itself reports the list as unreachable.
      return null;
    }
    return "destination refused: " + url.getHost() + ": " + refused;
  }

  /** The proxy's refusal in the words {@link OutboundCheck} uses for the same decision. */
  private String words(ProxyObserver.Outcome refusal, URIish url) {
    if (refusal == ProxyObserver.Outcome.BLOCKED) {
      return "refused: the name or its address is on the blocklist";
    }
    if (config.allowPrivateDestinations()) {
      return "refused by the proxy (its connect-ports or connection limit)";
    }
    return (isAddressLiteral(url.getHost())
            ? "refused: a private or local address"
            : "refused: the name resolves to a private or local address")
        + " (allow-private-destinations is false)";
  }

  /** Whether {@code host} is an address, as the proxy's own parser reads it (any IPv4 form). */
  private static boolean isAddressLiteral(String host) {
    try {
      return HostParser.parse(host) instanceof Host.Ip;
    } catch (InvalidHostException e) {
      return false;
    }
  }

  private InetSocketAddress proxyAddress() throws IOException {
    if (proxy == null) {
      proxy = ProxyServer.startForTools(config, gitPorts, OutboundCheck.NO_BANS, refusals);
    }
    return proxy.address();
  }

  private SshdSessionFactory ssh() throws IOException {
    if (ssh == null) {
      Proxy through = new Proxy(Proxy.Type.HTTP, proxyAddress());
      // As JGit's default ssh: the user's ~/.ssh (keys, known_hosts, config), read per session.
      File home = FS.DETECTED.userHome();
      ssh =
          new SshdSessionFactoryBuilder()
              .setHomeDirectory(home)
              .setSshDirectory(new File(home, ".ssh"))
              .setProxyDataFactory(remote -> new ProxyData(through))
              .build(null);
    }
    return ssh;
  }

  private static String scheme(URIish url) {
    return url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
  }

  private static int port(URIish url) {
    if (url.getPort() > 0) {
      return url.getPort();
    }
    return switch (scheme(url)) {
      case "https" -> 443;
      case "http" -> 80;
      case "git" -> 9418;
      // ssh://, sftp:// and scp-like host:path
      default -> 22;
    };
  }

  /**
   * Stops the proxy and the ssh client the last fetches went through; the next fetch starts them
   * again. A running exit fetches every few minutes: in between it keeps no listener, event loop
   * threads or buffers for git. Called by the one thread that fetches.
   */
  void release() {
    if (ssh != null) {
      ssh.close();
      ssh = null;
    }
    if (proxy != null) {
      proxy.close();
      proxy = null;
    }
  }

  @Override
  public void close() {
    outbound.close();
    release();
  }

  /**
   * Remembers whether the in-process proxy refused a destination since the last {@link #clear};
   * told on the proxy's event loops, read on the git command's thread after the command failed (the
   * proxy tells before it answers, so the refusal is seen).
   */
  private static final class LastRefusal implements ProxyObserver {
    private final AtomicReference<Outcome> last = new AtomicReference<>();

    @Override
    public void outcome(Outcome outcome, Rule rule) {
      if (outcome == Outcome.BLOCKED || outcome == Outcome.PROHIBITED) {
        last.set(outcome);
      }
    }

    void clear() {
      last.set(null);
    }

    Outcome get() {
      return last.get();
    }
  }

  /** JGit's own JDK connections, each through the in-process proxy whatever JGit would use. */
  private static final class ThroughProxy implements HttpConnectionFactory2 {
    private final JDKHttpConnectionFactory jdk = new JDKHttpConnectionFactory();
    private final Proxy proxy;

    ThroughProxy(InetSocketAddress address) {
      this.proxy = new Proxy(Proxy.Type.HTTP, address);
    }

    @Override
    public HttpConnection create(URL url) throws IOException {
      return jdk.create(url, proxy);
    }

    @Override
    public HttpConnection create(URL url, Proxy ignored) throws IOException {
      // JGit passes what the JVM's ProxySelector says; the in-process proxy replaces it.
      return jdk.create(url, proxy);
    }

    @Override
    public GitSession newSession() {
      return jdk.newSession();
    }
  }
}
