package dev.ferry.client;

import java.time.Duration;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one way the client and the {@code ferry} command wait: ask, stop when the answer says so,
 * otherwise sleep and ask again until the deadline, then fail with what the last answer said. Time
 * and sleeping come from a {@link Ticker}, so a test can run a long wait without waiting.
 */
public final class Polling {

  /** The clock and the sleep of a wait. */
  public interface Ticker {
    long nanoTime();

    void sleep(Duration d);
  }

  /** What is waited for. */
  public interface Watch<V> {
    /** The current answer; null while there is none yet (the wait goes on). */
    V poll();

    /** True when {@code answer} ends the wait. */
    boolean ended(V answer);

    /** Sees every answer before it is judged, e.g. to print progress. */
    default void seen(V answer) {}

    /**
     * What a wait that ran out of time throws (exit status 7: what it waited for goes on); {@code
     * last} is the last answer, or null.
     */
    WaitTimedOut timedOut(V last, Duration timeout);
  }

  /** A watch of {@code poll}, ended by {@code ended}, that fails as {@code timedOut} says. */
  public static <V> Watch<V> watch(
      Supplier<V> poll, Predicate<V> ended, BiFunction<V, Duration, WaitTimedOut> timedOut) {
    return new Watch<>() {
      @Override
      public V poll() {
        return poll.get();
      }

      @Override
      public boolean ended(V answer) {
        return ended.test(answer);
      }

      @Override
      public WaitTimedOut timedOut(V last, Duration timeout) {
        return timedOut.apply(last, timeout);
      }
    };
  }

  /** Real time, and a sleep that turns an interrupt into a {@link FerryFailure}. */
  public static final Ticker SYSTEM =
      new Ticker() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public void sleep(Duration d) {
          ClientContext.sleep(d);
        }
      };

  private final Ticker ticker;
  private final Duration every;

  public Polling(Ticker ticker, Duration every) {
    this.ticker = ticker;
    this.every = every;
  }

  /** Polls in real time every {@code every}. */
  public static Polling every(Duration every) {
    return new Polling(SYSTEM, every);
  }

  /**
   * Polls until an answer ends the wait and returns it; every answer is shown to {@link Watch#seen}
   * first. At least one poll is made, even with a zero timeout.
   *
   * @throws WaitTimedOut what {@link Watch#timedOut} makes of the last answer, once {@code timeout}
   *     has passed
   */
  public <V> V until(Watch<V> watch, Duration timeout) {
    long deadline = ticker.nanoTime() + timeout.toNanos();
    V last = null;
    while (true) {
      V answer = watch.poll();
      last = answer;
      if (answer != null) {
        watch.seen(answer);
        if (watch.ended(answer)) {
          return answer;
        }
      }
      if (ticker.nanoTime() > deadline) {
        throw watch.timedOut(last, timeout);
      }
      ticker.sleep(every);
    }
  }
}
