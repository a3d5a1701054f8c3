package dev.ferry.testing;

import dev.ferry.host.HostLeaseActivities;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A host agent's lease, scripted by the test: {@code hold} heartbeats every 100 ms (the workflow's
 * heartbeat timeout is 10 s) until the test tells it how to end, per incarnation.
 */
public final class ScriptedLease implements HostLeaseActivities {

  private static final long TICK_MILLIS = 100;

  private final Map<String, BlockingQueue<Object>> scripts = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> started = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
  private volatile boolean closed;

  @Override
  public LeaseEnd hold(String incarnation) {
    counter(started, incarnation).incrementAndGet();
    counter(running, incarnation).incrementAndGet();
    try {
      ActivityExecutionContext context = Activity.getExecutionContext();
      BlockingQueue<Object> script = script(incarnation);
      while (!closed) {
        // Throws when the workflow run is gone (continued as new) or the lease timed out.
        context.heartbeat(incarnation);
        Object next;
        try {
          next = script.poll(TICK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw Activity.wrap(e);
        }
        if (next instanceof LeaseEnd end) {
          return end;
        }
        if (next instanceof RuntimeException failure) {
          throw failure;
        }
      }
      throw ApplicationFailure.newFailure("test environment closing", "TestClosing");
    } finally {
      counter(running, incarnation).decrementAndGet();
    }
  }

  /** The running lease of {@code incarnation} ends normally with {@code end}. */
  public void end(String incarnation, LeaseEnd end) {
    script(incarnation).add(end);
  }

  /** The running lease of {@code incarnation} fails (as a heartbeat timeout would). */
  public void fail(String incarnation, String message) {
    script(incarnation).add(ApplicationFailure.newFailure(message, "LeaseLost"));
  }

  /** How many leases were started for {@code incarnation}. */
  public int holdsStarted(String incarnation) {
    return counter(started, incarnation).get();
  }

  public int holdsRunning(String incarnation) {
    return counter(running, incarnation).get();
  }

  /** Waits (real time) until at least {@code count} leases were started for the incarnation. */
  public void awaitHoldsStarted(String incarnation, int count) {
    FerryTestEnv.eventually(
        Duration.ofSeconds(20),
        () -> {
          if (holdsStarted(incarnation) < count) {
            throw new AssertionError(
                "expected "
                    + count
                    + " lease(s) started for "
                    + incarnation
                    + ", saw "
                    + holdsStarted(incarnation));
          }
        });
  }

  public boolean everHeld() {
    return started.values().stream().anyMatch(c -> c.get() > 0);
  }

  /** Ends every running lease; returns once none runs (at most a couple of seconds). */
  public void close() {
    closed = true;
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (running.values().stream().anyMatch(c -> c.get() > 0) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private BlockingQueue<Object> script(String incarnation) {
    return scripts.computeIfAbsent(incarnation, k -> new LinkedBlockingQueue<>());
  }

  private static AtomicInteger counter(Map<String, AtomicInteger> map, String incarnation) {
    return map.computeIfAbsent(incarnation, k -> new AtomicInteger());
  }
}
