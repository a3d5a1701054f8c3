package dev.ferry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ferry.evacuate.HostMovesView;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A host evacuation's or drain's status, read typed from its view, and waiting for its end. */
class HostRunStatusTest {
  static HostMovesView view(String status) {
    return new HostMovesView("host-drain", "a", status, 1, 1, 2, 3, 4, 5, List.of());
  }

  @Test
  void everyStatusButRunningEndsTheWaitAndKeepsItsSpelling() {
    for (HostRunStatus s : HostRunStatus.values()) {
      assertEquals(Optional.of(s), HostRunStatus.of(view(s.wireName())));
      assertEquals(s != HostRunStatus.RUNNING, HostRunStatus.ended(view(s.wireName())), s.name());
    }
    assertEquals("timed-out", HostRunStatus.TIMED_OUT.wireName());
    assertEquals(true, HostRunStatus.ended(view("something-new")));
  }

  @Test
  void aRunStillGoingAfterTheTimeoutIsAFailureWithItsCounts() {
    FakeTicker ticker = new FakeTicker();
    FerryFailure f =
        assertThrows(
            FerryFailure.class,
            () ->
                new Polling(ticker, Duration.ofMillis(200))
                    .until(
                        EvacuationClient.hostMovesWatch("host-drain:a", () -> view("running")),
                        Duration.ofMinutes(2)));
    assertEquals(
        "host-drain:a is still running after 120 s (3 done, 2 running, 1 pending); it goes on",
        f.getMessage());
  }

  @Test
  void theWaitEndsOnTheFirstViewThatIsNoLongerRunning() {
    List<HostMovesView> views = List.of(view("running"), view("partial"));
    int[] polls = {0};
    HostMovesView ended =
        new Polling(new FakeTicker(), Duration.ofMillis(200))
            .until(
                EvacuationClient.hostMovesWatch("host-drain:a", () -> views.get(polls[0]++)),
                Duration.ofMinutes(2));
    assertEquals("partial", ended.status());
    assertEquals(2, polls[0]);
  }
}
