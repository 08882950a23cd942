package org.exitfilter.shared;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import org.eclipse.jgit.transport.URIish;
import org.exitfilter.net.AddressClass;

/**
 * Whether a shared list's repository may be fetched from where it is: git reaches the Internet on
 * the operator's behalf, so the same rule as for the exit's users applies to it.
 */
final class GitDestination {
  private GitDestination() {}

  /**
   * THE ONE destination check for a git URL (issue 11, point 5). It refuses a host that is or
   * resolves to a loopback, private, link-local, CGNAT, multicast or unspecified address unless
   * {@code allow-private-destinations} is true; {@code file://} and local paths reach no network
   * and are always allowed.
   *
   * <p>TODO(lead): switch this body to the Netty-free destination policy of issue 10 (deliverable
   * 1) once it lands, so that git, the ban-request fetches and the proxy share one decision. Until
   * then this is a copy of the proxy's rule on private addresses, and it checks the addresses at
   * the moment of the check: JGit resolves the name again when it connects.
   *
   * @return why the URL is refused, or {@code null} when it may be fetched
   */
  static String refusal(URIish url, boolean allowPrivateDestinations) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("file") || url.getHost() == null || url.getHost().isEmpty()) {
      return null;
    }
    if (allowPrivateDestinations) {
      return null;
    }
    String host = url.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      // Not refused here: the fetch itself reports the name as unreachable.
      return null;
    }
    for (InetAddress address : addresses) {
      if (AddressClass.isNonPublic(address)) {
        return "destination refused: "
            + url.getHost()
            + " is a non-public address ("
            + address.getHostAddress()
            + "); set allow-private-destinations: true to follow a list on a private network";
      }
    }
    return null;
  }
}
