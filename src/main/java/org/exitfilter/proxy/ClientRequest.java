package org.exitfilter.proxy;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A request head as {@link StrictRequestDecoder} decodes it, which can be forwarded to its origin
 * without a copy of its path: once {@link #forwardTo} is told the parsed target, its target is that
 * target's origin form, which {@link UpstreamCodec} writes straight from the client's characters
 * ({@link RequestTarget#writeOriginForm}). {@link #uri()} still answers the origin form, as a
 * string made when asked. Netty checked the client's whole target for spaces, CR and LF when it
 * made the head; the origin form is a part of it, so it needs no check of its own.
 */
final class ClientRequest extends DefaultHttpRequest {
  private RequestTarget forwardedTarget;

  ClientRequest(
      HttpVersion version, HttpMethod method, String uri, HttpHeadersFactory headersFactory) {
    super(version, method, uri, headersFactory);
  }

  /** From now on, the target is {@code target}'s origin form. */
  void forwardTo(RequestTarget target) {
    forwardedTarget = target;
  }

  /** The target whose origin form this request is sent with, or null for {@link #uri()} as is. */
  RequestTarget forwardedTarget() {
    return forwardedTarget;
  }

  @Override
  public String uri() {
    return forwardedTarget != null ? forwardedTarget.originForm() : super.uri();
  }

  @Override
  public HttpRequest setUri(String uri) {
    super.setUri(uri);
    forwardedTarget = null;
    return this;
  }
}
