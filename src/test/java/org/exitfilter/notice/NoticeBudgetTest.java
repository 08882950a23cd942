package org.exitfilter.notice;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The notice's budget for searches (CPU time) and JSON lists (streams at once). */
class NoticeBudgetTest {
  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final NoticeBudget budget = new NoticeBudget(now::get);

  private void advance(Duration by) {
    now.addAndGet(by.toNanos());
  }

  @Test
  void searchesMayTakeASecondAtOnceThenAQuarterOfACore() {
    // A visitor searching a million entries as fast as the server answers: 40 ms each.
    int searches = 0;
    while (budget.maySearch()) {
      budget.searched(Duration.ofMillis(40).toNanos());
      searches++;
    }
    assertThat(searches).as("a second's burst").isEqualTo(25);

    advance(Duration.ofMillis(100));
    assertThat(budget.maySearch()).as("25 ms earned back: one more").isTrue();
    budget.searched(Duration.ofMillis(40).toNanos());
    assertThat(budget.maySearch()).isFalse();

    advance(Duration.ofSeconds(10));
    int later = 0;
    while (budget.maySearch()) {
      budget.searched(Duration.ofMillis(40).toNanos());
      later++;
    }
    assertThat(later).as("the burst is earned back, and no more than it").isEqualTo(25);
  }

  @Test
  void atMostTwoJsonListsAreSentAtATime() {
    assertThat(budget.mayStreamJson()).isTrue();
    assertThat(budget.mayStreamJson()).isTrue();
    assertThat(budget.mayStreamJson()).isFalse();

    budget.jsonStreamEnded();

    assertThat(budget.mayStreamJson()).isTrue();
    assertThat(budget.mayStreamJson()).isFalse();
  }
}
