package org.exitfilter.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.exitfilter.net.HostAndPort;

/**
 * Rewrites a request head for the origin: origin-form target, HTTP/1.1, no hop-by-hop, {@code
 * Proxy-*}, {@code Via}, {@code Forwarded} or {@code X-Forwarded-*} field, and a {@code Host}
 * generated from the checked host (never the client's own). One per client connection: the last
 * {@code Host} value is kept, since the next request usually goes to the same destination.
 */
final class OriginHead {
  private HostAndPort hostFieldDestination;
  private String hostField;

  void rewrite(HttpRequest request, RequestTarget target) {
    if (request instanceof ClientRequest client) {
      client.forwardTo(target);
    } else {
      request.setUri(target.originForm());
    }
    request.setProtocolVersion(HttpVersion.HTTP_1_1);
    HttpHeaders headers = request.headers();
    HopByHop.strip(headers);
    headers.set(HttpHeaderNames.HOST, hostField(target));
  }

  private String hostField(RequestTarget target) {
    if (!target.destination().equals(hostFieldDestination)) {
      hostFieldDestination = target.destination();
      hostField = target.hostHeader();
    }
    return hostField;
  }
}
