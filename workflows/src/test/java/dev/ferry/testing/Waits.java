package dev.ferry.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Real-time waits for tests whose workflows run on other threads. */
public final class Waits {

  private Waits() {}

  /** Polls {@code condition} until it holds, for up to 20 s. */
  public static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      sleepMillis(20);
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  /** Waits up to 20 s for the latch. */
  public static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(20, TimeUnit.SECONDS), "latch");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
