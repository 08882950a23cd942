package org.exitfilter.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LeakDetectionTest {

  @Test
  void aBufferDroppedWithoutReleaseFailsAssertNoLeaksWithItsHint() {
    String marker = LeakDetection.DELIBERATE + "-" + UUID.randomUUID();
    leakOneBuffer(marker);
    try {
      Await.until(
          "the deliberate leak is reported",
          () -> {
            LeakDetection.forceDetection();
            return hasReportContaining(marker);
          });

      assertThatThrownBy(() -> LeakDetection.assertNoLeaks("the deliberate leak"))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("LEAK of ByteBuf")
          .hasMessageContaining(marker)
          .satisfies(
              failure ->
                  assertThat(
                          failure.getMessage().substring(failure.getMessage().indexOf("In short")))
                      .as("the end of the message names where and the last access, for short logs")
                      .contains("noticed after the deliberate leak")
                      .contains("Hint: " + marker));
      assertThat(hasReportContaining(marker))
          .as("a failed check forgets what it reported, so the next class is not blamed")
          .isFalse();
    } finally {
      LeakDetection.discard(report -> report.records().contains(marker));
    }
  }

  @Test
  void aReleasedBufferIsNotReported() {
    String marker = "released-" + UUID.randomUUID();
    ByteBuf buffer = ByteBufAllocator.DEFAULT.directBuffer(16);
    buffer.touch(marker);
    buffer.release();

    LeakDetection.forceDetection();

    assertThat(hasReportContaining(marker)).isFalse();
  }

  @Test
  void assertNoLeaksPassesWhenNothingLeaked() {
    LeakDetection.assertNoLeaks();
  }

  private static boolean hasReportContaining(String marker) {
    return LeakDetection.reports().stream().anyMatch(r -> r.records().contains(marker));
  }

  /** In its own method so that no local variable of the test keeps the buffer reachable. */
  private static void leakOneBuffer(String marker) {
    ByteBuf buffer = ByteBufAllocator.DEFAULT.directBuffer(16);
    buffer.writeLong(42).touch(marker);
  }
}
