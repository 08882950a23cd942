package org.exitfilter.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.util.List;
import org.exitfilter.net.HostAndPort;
import org.exitfilter.net.HostParser;
import org.junit.jupiter.api.Test;

/**
 * The one idle upstream connection a client connection keeps, with {@link EmbeddedChannel}s
 * standing in for upstream connections (an {@link UpstreamRelay} at the end of each).
 */
class UpstreamPoolTest {
  private static final HostAndPort A = destination("a.test", 80);
  private static final HostAndPort B = destination("b.test", 80);

  private final UpstreamPool pool = new UpstreamPool();

  @Test
  void aKeptConnectionIsHandedBackForItsDestinationOnce() {
    UpstreamConnection kept = connection(A);
    try {
      pool.keep(kept);

      assertThat(pool.take(A)).as("the next request to the same host:port").isSameAs(kept);
      assertThat(pool.take(A)).as("one slot, and it was taken").isNull();
      assertThat(kept.channel().isActive()).isTrue();
    } finally {
      finish(kept);
    }
  }

  @Test
  void aKeptConnectionIsClosedWhenTheNextRequestGoesElsewhere() {
    UpstreamConnection kept = connection(A);
    try {
      pool.keep(kept);

      assertThat(pool.take(B)).isNull();
      assertThat(kept.channel().isActive())
          .as("never shared with another destination, never left open unused")
          .isFalse();
    } finally {
      finish(kept);
    }
  }

  @Test
  void aKeptConnectionTheOriginClosedIsNotHandedOut() {
    UpstreamConnection kept = connection(A);
    try {
      pool.keep(kept);
      kept.channel().close();

      assertThat(pool.take(A)).isNull();
    } finally {
      finish(kept);
    }
  }

  @Test
  void keepingAConnectionClosesTheOneKeptBefore() {
    UpstreamConnection first = connection(A);
    UpstreamConnection second = connection(B);
    try {
      pool.keep(first);
      pool.keep(second);

      assertThat(first.channel().isActive()).isFalse();
      assertThat(pool.take(B)).isSameAs(second);
    } finally {
      finish(first);
      finish(second);
    }
  }

  @Test
  void anIdleOriginThatSendsAnythingIsOutOfStepAndItsConnectionIsClosed() {
    UpstreamConnection kept = connection(A);
    try {
      pool.keep(kept);
      ByteBuf unasked = Unpooled.copiedBuffer(new byte[] {'H', 'T', 'T', 'P'});
      ((EmbeddedChannel) kept.channel()).writeInbound(unasked);

      assertThat(unasked.refCnt()).as("released by the unlinked relay").isZero();
      assertThat(kept.channel().isActive()).isFalse();
      assertThat(pool.take(A)).isNull();
    } finally {
      finish(kept);
    }
  }

  @Test
  void closingThePoolClosesTheKeptConnection() {
    UpstreamConnection kept = connection(A);
    try {
      pool.keep(kept);
      pool.close();

      assertThat(kept.channel().isActive()).isFalse();
      assertThat(pool.take(A)).isNull();
    } finally {
      finish(kept);
    }
  }

  private static UpstreamConnection connection(HostAndPort destination) {
    UpstreamRelay relay = new UpstreamRelay();
    EmbeddedChannel channel = new EmbeddedChannel(relay);
    return new UpstreamConnection(
        channel, relay, destination, List.of(InetAddress.getLoopbackAddress()));
  }

  private static void finish(UpstreamConnection connection) {
    ((EmbeddedChannel) connection.channel()).finishAndReleaseAll();
  }

  private static HostAndPort destination(String name, int port) {
    try {
      return new HostAndPort(HostParser.parse(name), port);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
