package org.exitfilter.proxy;

import io.netty.channel.Channel;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.util.List;
import org.exitfilter.match.Matcher;
import org.exitfilter.match.Verdict;
import org.exitfilter.net.HostAndPort;

/**
 * One upstream HTTP connection of one client connection: its channel, the relay at the end of its
 * pipeline (linked to the exchange it serves, if any), the destination it was opened for and the
 * address it reached, as the one-element list the guard re-checks whenever it is reused. It also
 * remembers the blocklist snapshot (weakly) and name verdict its address was last allowed on (see
 * {@link DestinationAccess#recheck}). Confined to the client connection's event loop.
 */
final class UpstreamConnection {
  private final Channel channel;
  private final UpstreamRelay relay;
  private final HostAndPort destination;
  private final List<InetAddress> address;
  // Weakly: a kept connection lives up to the idle timeout and must not keep a snapshot a reload
  // has replaced (a million bans take some 50 MB) from being collected.
  private WeakReference<Matcher> allowedOn;
  private Verdict allowedWith;

  UpstreamConnection(
      Channel channel, UpstreamRelay relay, HostAndPort destination, List<InetAddress> address) {
    this.channel = channel;
    this.relay = relay;
    this.destination = destination;
    this.address = address;
  }

  Channel channel() {
    return channel;
  }

  UpstreamRelay relay() {
    return relay;
  }

  HostAndPort destination() {
    return destination;
  }

  List<InetAddress> address() {
    return address;
  }

  /** Whether the address was last allowed on exactly this snapshot and this name verdict. */
  boolean allowedOn(Matcher matcher, Verdict nameVerdict) {
    return allowedOn != null && matcher == allowedOn.get() && nameVerdict == allowedWith;
  }

  /** The policy allowed the address on this snapshot with this name verdict. */
  void allowed(Matcher matcher, Verdict nameVerdict) {
    if (allowedOn == null || allowedOn.get() != matcher) {
      // One reference per connection and snapshot, not per request.
      allowedOn = new WeakReference<>(matcher);
    }
    this.allowedWith = nameVerdict;
  }

  void close() {
    relay.unlink();
    channel.close();
  }
}
