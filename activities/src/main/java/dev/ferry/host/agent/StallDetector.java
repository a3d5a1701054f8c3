package dev.ferry.host.agent;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Notices that the agent process was stopped (SIGSTOP, a long GC pause, a frozen VM): a ticking
 * thread sees a gap on the monotonic clock far longer than its tick. The lease is then not trusted
 * ({@link LeaseDeadline#expire}) until a heartbeat sent afterwards is acknowledged: after a stop
 * longer than the heartbeat timeout the server has timed the lease out, that heartbeat is refused,
 * and the agent comes back under a new incarnation.
 */
public final class StallDetector implements AutoCloseable {

  static final Duration TICK = Duration.ofMillis(100);

  /** A gap this long is no scheduling jitter: the process did not run. */
  static final Duration STALL = Duration.ofSeconds(2);

  private final LeaseDeadline deadline;
  private final LongSupplier nanoTime;
  private long lastTickNanos;
  private Thread thread;

  /** With the monotonic clock (a test's is manual); {@link #tick} by hand or {@link #start}. */
  public StallDetector(LeaseDeadline deadline, LongSupplier nanoTime) {
    this.deadline = deadline;
    this.nanoTime = nanoTime;
    this.lastTickNanos = nanoTime.getAsLong();
  }

  /** A detector on {@link System#nanoTime} ticking on its own daemon thread. */
  public static StallDetector start(String hostName, LeaseDeadline deadline) {
    StallDetector detector = new StallDetector(deadline, System::nanoTime);
    detector.thread = new Thread(detector::run, "ferry-agent-stall-detector " + hostName);
    detector.thread.setDaemon(true);
    detector.thread.start();
    return detector;
  }

  /** One look at the clock: a gap since the last look longer than {@link #STALL} expires. */
  public synchronized void tick() {
    long now = nanoTime.getAsLong();
    long gap = now - lastTickNanos;
    lastTickNanos = now;
    if (gap > STALL.toNanos()) {
      deadline.expire("the process did not run for " + Duration.ofNanos(gap).toMillis() + " ms");
    }
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      tick();
      try {
        Thread.sleep(TICK.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.interrupt();
    }
  }
}
