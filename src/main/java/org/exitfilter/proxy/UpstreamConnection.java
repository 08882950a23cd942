package org.exitfilter.proxy;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.util.List;
import org.exitfilter.net.HostAndPort;

/**
 * One upstream HTTP connection of one client connection: its channel, the relay at the end of its
 * pipeline (linked to the exchange it serves, if any), the destination it was opened for and the
 * address it reached, as the one-element list the guard re-checks whenever it is reused.
 */
record UpstreamConnection(
    Channel channel, UpstreamRelay relay, HostAndPort destination, List<InetAddress> address) {

  void close() {
    relay.unlink();
    channel.close();
  }
}
