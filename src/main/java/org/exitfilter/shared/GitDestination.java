package org.exitfilter.shared;

import java.util.Locale;
import org.eclipse.jgit.transport.URIish;
import org.exitfilter.policy.DestinationPolicy.Access;
import org.exitfilter.proxy.OutboundCheck;

/**
 * Whether a shared list's repository may be fetched from where it is: git reaches the Internet on
 * the operator's behalf, so the proxy's destination policy decides, as it would for a user.
 */
final class GitDestination {
  private GitDestination() {}

  /**
   * The one destination check for a git URL (issue 11, point 5): the host and port of the URL
   * through {@link OutboundCheck} (its addresses as the proxy resolves them; a non-public address
   * only with {@code allow-private-destinations}). {@code file://} and local paths reach no network
   * and are always allowed. JGit resolves the name again when it connects; what it reaches is what
   * the policy allowed a moment before.
   *
   * @return why the URL is refused, or {@code null} when it may be fetched
   */
  static String refusal(URIish url, OutboundCheck outbound) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("file") || url.getHost() == null || url.getHost().isEmpty()) {
      return null;
    }
    String host = url.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = url.getPort() > 0 ? url.getPort() : defaultPort(scheme);
    // Asked as plain HTTP: connect-ports limits users' tunnels, while git's ports (22, 9418) are
    // the operator's own choice in the configuration.
    String refused = outbound.refusal(host, port, Access.HTTP);
    if (refused == null || refused.equals("the name does not resolve")) {
      // An unknown name is not refused here: the fetch itself reports the list as unreachable.
      return null;
    }
    return "destination refused: " + url.getHost() + ": " + refused;
  }

  private static int defaultPort(String scheme) {
    return switch (scheme) {
      case "https" -> 443;
      case "ssh" -> 22;
      case "git" -> 9418;
      default -> 80;
    };
  }
}
