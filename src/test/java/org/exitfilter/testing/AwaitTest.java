package org.exitfilter.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
  private static final Duration SHORT = Duration.ofMillis(50);

  @Test
  void untilReturnsOnceTheConditionHolds() {
    AtomicInteger polls = new AtomicInteger();

    Await.until("the third poll", () -> polls.incrementAndGet() >= 3);

    assertThat(polls).hasValue(3);
  }

  @Test
  void untilFailsWithTheDescriptionWhenTimeRunsOut() {
    assertThatThrownBy(() -> Await.until("pigs fly", SHORT, () -> false))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("pigs fly");
  }

  @Test
  void untilAssertedRetriesUntilTheAssertionPasses() {
    AtomicInteger polls = new AtomicInteger();

    Await.untilAsserted(() -> assertThat(polls.incrementAndGet()).isGreaterThanOrEqualTo(3));

    assertThat(polls).hasValue(3);
  }

  @Test
  void untilAssertedRethrowsTheLastFailure() {
    assertThatThrownBy(() -> Await.untilAsserted(SHORT, () -> assertThat(1).isEqualTo(2)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected: 2");
  }
}
