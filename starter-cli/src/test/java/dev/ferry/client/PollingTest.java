package dev.ferry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one wait loop: when it stops, what it shows, how it sleeps, and how it runs out. */
class PollingTest {
  private static final Duration EVERY = Duration.ofMillis(200);

  /** Answers the scripted strings in turn (the last one for ever); "end" ends the wait. */
  private static final class Script implements Polling.Watch<String> {
    final Iterator<String> answers;
    String lastAnswer;
    final List<String> seen = new ArrayList<>();
    String timedOutWith = "not timed out";
    Duration timedOutAfter;

    Script(String... answers) {
      this.answers = Arrays.asList(answers).iterator();
    }

    @Override
    public String poll() {
      if (answers.hasNext()) {
        lastAnswer = answers.next();
      }
      return lastAnswer;
    }

    @Override
    public boolean ended(String answer) {
      return answer.equals("end");
    }

    @Override
    public void seen(String answer) {
      seen.add(answer);
    }

    @Override
    public WaitTimedOut timedOut(String last, Duration timeout) {
      timedOutWith = last;
      timedOutAfter = timeout;
      return new WaitTimedOut("out of time at " + last);
    }
  }

  @Test
  void stopsAtTheFirstAnswerThatEndsTheWaitSleepingBetweenPollsAndShowingEveryAnswer() {
    FakeTicker ticker = new FakeTicker();
    Script script = new Script("a", "b", "end", "after");

    String result = new Polling(ticker, EVERY).until(script, Duration.ofMinutes(1));

    assertEquals("end", result);
    assertEquals(List.of("a", "b", "end"), script.seen);
    assertEquals(List.of(EVERY, EVERY), ticker.sleeps);
  }

  @Test
  void noAnswerYetKeepsWaitingAndIsNotShown() {
    FakeTicker ticker = new FakeTicker();
    Script script = new Script(null, null, "end");

    assertEquals("end", new Polling(ticker, EVERY).until(script, Duration.ofMinutes(1)));
    assertEquals(List.of("end"), script.seen);
    assertEquals(2, ticker.sleeps.size());
  }

  @Test
  void runsOutAfterTheTimeoutWithTheLastAnswer() {
    FakeTicker ticker = new FakeTicker();
    Script script = new Script("a", "b", "c");

    WaitTimedOut f =
        assertThrows(
            WaitTimedOut.class,
            () -> new Polling(ticker, EVERY).until(script, Duration.ofSeconds(1)));

    assertEquals("out of time at c", f.getMessage());
    assertEquals(Duration.ofSeconds(1), script.timedOutAfter);
    // polls at 0, 0.2 ... 1.0 s are within the deadline; the one at 1.2 s is past it
    assertEquals(6, ticker.sleeps.size());
    assertEquals(7, script.seen.size());
  }

  @Test
  void aZeroTimeoutStillPollsOnce() {
    FakeTicker ticker = new FakeTicker();
    Script ends = new Script("end");
    assertEquals("end", new Polling(ticker, EVERY).until(ends, Duration.ZERO));

    Script never = new Script((String) null);
    assertThrows(WaitTimedOut.class, () -> new Polling(ticker, EVERY).until(never, Duration.ZERO));
    assertSame(null, never.timedOutWith);
    assertEquals(List.of(EVERY), ticker.sleeps);
  }
}
