package org.exitfilter.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;

/**
 * Encodes responses to the client, knowing whether the current exchange answers a {@code HEAD}
 * request (whose response has no body whatever its framing fields say). Only one exchange is in
 * flight per connection, so one flag set by the frontend suffices.
 */
final class ClientResponseEncoder extends HttpResponseEncoder {
  private boolean answeringHead;

  void answeringHead(boolean head) {
    this.answeringHead = head;
  }

  boolean isAnsweringHead() {
    return answeringHead;
  }

  /** Fields by index, not through an iterator per response (see {@link CompactHeaders#encode}). */
  @Override
  protected void encodeHeaders(HttpHeaders headers, ByteBuf buf) {
    if (headers instanceof CompactHeaders compact) {
      compact.encode(buf);
    } else {
      super.encodeHeaders(headers, buf);
    }
  }

  @Override
  protected boolean isContentAlwaysEmpty(HttpResponse msg) {
    return (answeringHead && msg.status().codeClass() != HttpStatusClass.INFORMATIONAL)
        || super.isContentAlwaysEmpty(msg);
  }
}
