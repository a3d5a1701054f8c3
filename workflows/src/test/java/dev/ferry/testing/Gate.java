package dev.ferry.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Holds a mocked host call until the test opens it; tells the test when the call started. */
public final class Gate {
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch open = new CountDownLatch(1);

  /** Called by the mocked call: waits (up to 30 s) until the test opens the gate. */
  public void pass() throws InterruptedException {
    entered.countDown();
    if (!open.await(30, TimeUnit.SECONDS)) {
      throw new AssertionError("gate never opened");
    }
  }

  public void awaitEntered() throws InterruptedException {
    assertTrue(entered.await(10, TimeUnit.SECONDS), "the call never started");
  }

  public void open() {
    open.countDown();
  }
}
