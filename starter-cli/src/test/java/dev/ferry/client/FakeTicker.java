package dev.ferry.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** TEST ONLY: a clock that moves only when a wait sleeps, and remembers every sleep. */
public final class FakeTicker implements Polling.Ticker {
  private long now = 1_000_000_000L;
  public final List<Duration> sleeps = new ArrayList<>();

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public void sleep(Duration d) {
    sleeps.add(d);
    now += d.toNanos();
  }
}
