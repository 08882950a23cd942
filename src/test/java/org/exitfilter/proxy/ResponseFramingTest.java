package org.exitfilter.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import org.exitfilter.proxy.ResponseFraming.Body;
import org.exitfilter.proxy.ResponseFraming.Decision;
import org.exitfilter.proxy.ResponseFraming.Head;
import org.exitfilter.proxy.ResponseFraming.Request;
import org.junit.jupiter.api.Test;

/** The framing decision for every shape of response and client, without a socket. */
class ResponseFramingTest {
  private static final Request HTTP11_KEEP = new Request(true, true, false);
  private static final Request HTTP10_KEEP = new Request(false, true, false);
  private static final Request HTTP10_CLOSE = new Request(false, false, false);
  private static final Request HEAD11 = new Request(true, true, true);

  private static final Head LENGTH = new Head(200, true, false, true);
  private static final Head CHUNKED = new Head(200, true, true, false);
  private static final Head UNTIL_CLOSE = new Head(200, false, false, false);

  @Test
  void aResponseWithALengthPassesAsItIsAndKeepsBothConnections() {
    Decision decision = ResponseFraming.decide(LENGTH, HTTP11_KEEP, true);

    assertThat(decision.body()).isEqualTo(Body.AS_IS);
    assertThat(decision.keepClient()).isTrue();
    assertThat(decision.keepUpstream()).isTrue();
    assertThat(decision.connectionField())
        .as("an HTTP/1.1 client keeps its connection without being told")
        .isNull();
    assertThat(decision.clientBodyEndsWithClose()).isFalse();
  }

  @Test
  void aCloseDelimitedBodyIsChunkedForAnHttp11ClientAndItsUpstreamIsNotKept() {
    Decision decision = ResponseFraming.decide(UNTIL_CLOSE, HTTP11_KEEP, true);

    assertThat(decision.body()).isEqualTo(Body.CHUNK);
    assertThat(decision.keepClient())
        .as("chunks end the body, so the client connection can go on")
        .isTrue();
    assertThat(decision.keepUpstream()).as("the origin ends the body by closing").isFalse();
  }

  @Test
  void aCloseDelimitedBodyStaysSoForAnHttp10ClientWhichIsThenClosed() {
    Decision decision = ResponseFraming.decide(UNTIL_CLOSE, HTTP10_KEEP, true);

    assertThat(decision.body()).isEqualTo(Body.AS_IS);
    assertThat(decision.keepClient()).isFalse();
    assertThat(decision.connectionField().toString()).isEqualTo("close");
    assertThat(decision.clientBodyEndsWithClose())
        .as("a cut must then be a reset, not a close")
        .isTrue();
  }

  @Test
  void aChunkedBodyIsUnchunkedForAnHttp10KeepAliveClientWhichIsStillClosed() {
    Decision decision = ResponseFraming.decide(CHUNKED, HTTP10_KEEP, true);

    assertThat(decision.body()).isEqualTo(Body.UNCHUNK);
    assertThat(decision.keepClient())
        .as("the close is the only end of the body this client can read")
        .isFalse();
    assertThat(decision.connectionField().toString()).isEqualTo("close");
    assertThat(decision.keepUpstream()).as("the origin's chunks ended its body").isTrue();
    assertThat(decision.clientBodyEndsWithClose()).isTrue();
  }

  @Test
  void anHttp10KeepAliveClientIsToldItsConnectionIsKept() {
    Decision decision = ResponseFraming.decide(LENGTH, HTTP10_KEEP, true);

    assertThat(decision.keepClient()).isTrue();
    assertThat(decision.connectionField().toString()).isEqualTo("keep-alive");
  }

  @Test
  void anHttp10ClientThatDidNotAskToKeepItsConnectionIsClosed() {
    Decision decision = ResponseFraming.decide(LENGTH, HTTP10_CLOSE, true);

    assertThat(decision.keepClient()).isFalse();
    assertThat(decision.connectionField().toString()).isEqualTo("close");
  }

  @Test
  void bodylessResponsesAreNeverCloseDelimited() {
    for (Head head :
        new Head[] {new Head(204, true, false, false), new Head(304, true, false, false)}) {
      Decision decision = ResponseFraming.decide(head, HTTP10_KEEP, true);

      assertThat(decision.body()).as("status %d", head.status()).isEqualTo(Body.AS_IS);
      assertThat(decision.keepClient()).as("status %d", head.status()).isTrue();
      assertThat(decision.keepUpstream()).as("status %d", head.status()).isTrue();
    }
    Decision toHead = ResponseFraming.decide(new Head(200, true, false, false), HEAD11, true);
    assertThat(toHead.body())
        .as("a response to HEAD has no body whatever its fields say")
        .isEqualTo(Body.AS_IS);
    assertThat(toHead.keepUpstream()).isTrue();
  }

  @Test
  void aResponseThatBeganBeforeTheRequestWasSentEndsBothConnections() {
    Decision decision = ResponseFraming.decide(LENGTH, HTTP11_KEEP, false);

    assertThat(decision.keepClient())
        .as("the rest of the request body cannot be skipped reliably")
        .isFalse();
    assertThat(decision.keepUpstream()).isFalse();
    assertThat(decision.connectionField().toString()).isEqualTo("close");
  }

  @Test
  void theOriginClosingItsConnectionMeansTheUpstreamIsNotKept() {
    Decision decision =
        ResponseFraming.decide(new Head(200, false, false, true), HTTP11_KEEP, true);

    assertThat(decision.keepUpstream()).isFalse();
    assertThat(decision.keepClient()).as("the client's connection is its own").isTrue();
  }

  @Test
  void theDecisionSetsTheFramingFields() {
    HttpHeaders chunk = new DefaultHttpHeaders();
    ResponseFraming.decide(UNTIL_CLOSE, HTTP11_KEEP, true).applyTo(chunk);
    assertThat(chunk.get(HttpHeaderNames.TRANSFER_ENCODING)).isEqualTo("chunked");
    assertThat(chunk.contains(HttpHeaderNames.CONNECTION)).isFalse();

    HttpHeaders unchunk = new DefaultHttpHeaders();
    unchunk.set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
    ResponseFraming.decide(CHUNKED, HTTP10_KEEP, true).applyTo(unchunk);
    assertThat(unchunk.contains(HttpHeaderNames.TRANSFER_ENCODING)).isFalse();
    assertThat(unchunk.get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
  }

  @Test
  void everySharedDecisionAndRequestCarriesExactlyTheValuesAskedFor() {
    boolean[] both = {false, true};
    CharSequence[] fields = {null, HttpHeaderValues.CLOSE, HttpHeaderValues.KEEP_ALIVE};
    for (ResponseFraming.Body body : ResponseFraming.Body.values()) {
      for (boolean keepClient : both) {
        for (CharSequence field : fields) {
          for (boolean keepUpstream : both) {
            for (boolean endsWithClose : both) {
              assertThat(Decision.of(body, keepClient, field, keepUpstream, endsWithClose))
                  .isEqualTo(new Decision(body, keepClient, field, keepUpstream, endsWithClose));
            }
          }
        }
      }
    }
    for (boolean http11 : both) {
      for (boolean keepAlive : both) {
        for (boolean head : both) {
          assertThat(Request.of(http11, keepAlive, head))
              .isEqualTo(new Request(http11, keepAlive, head));
        }
      }
    }
  }
}
