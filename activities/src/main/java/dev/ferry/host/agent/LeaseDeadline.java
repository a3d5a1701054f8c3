package dev.ferry.host.agent;

import dev.ferry.hypervisor.libvirt.WriteGate;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's local proof that its liveness lease is live, and the gate of its libvirt writes.
 *
 * <p>Only a heartbeat whose answer the agent has seen extends it: the server acknowledged a
 * heartbeat sent at {@code t}, so it cannot time the lease out before {@code t + heartbeat
 * timeout}; the lease counts as live until that minus {@link #MARGIN}, on the monotonic clock.
 * Nothing else does: not a heartbeat handed to the SDK (sent later, asynchronously, throttled), not
 * the HostWorkflow's view (that needs the conductor). A refused heartbeat or a stall of the process
 * ({@link StallDetector}) expires it at once; an acknowledgement of a heartbeat sent before the
 * expiry does not revive it.
 *
 * <p>Past the deadline every libvirt write is refused ({@link LeaseLostException}), except on a
 * thread running the agent's join ({@link #joining}): its cleanup list, registration and
 * reconciliation, which is how the agent gets a lease again. A fresh agent has no lease until its
 * first acknowledged heartbeat.
 */
public final class LeaseDeadline implements WriteGate {
  private static final Logger log = LoggerFactory.getLogger(LeaseDeadline.class);

  /**
   * Taken off the heartbeat timeout: room for the server's and this host's clocks running at
   * slightly different rates, and for a write that passed the gate to start, so that no write
   * starts after the server may have timed the lease out.
   */
  static final Duration MARGIN = Duration.ofSeconds(2);

  private final String hostName;
  private final LongSupplier nanoTime;
  private final ThreadLocal<Boolean> joiningHere = ThreadLocal.withInitial(() -> false);
  private boolean live;
  private long deadlineNanos;
  private long expiredAtNanos;

  public LeaseDeadline(String hostName) {
    this(hostName, System::nanoTime);
  }

  /** With the monotonic clock (a test's is manual). */
  public LeaseDeadline(String hostName, LongSupplier nanoTime) {
    this.hostName = hostName;
    this.nanoTime = nanoTime;
    this.expiredAtNanos = nanoTime.getAsLong();
  }

  /** The monotonic clock the deadline runs on: note it before sending a heartbeat. */
  public long now() {
    return nanoTime.getAsLong();
  }

  /**
   * The server acknowledged a heartbeat sent at {@code sentAtNanos} ({@link #now}) of a lease with
   * {@code heartbeatTimeout}: live until then plus the timeout, less the margin.
   */
  public synchronized void acknowledged(long sentAtNanos, Duration heartbeatTimeout) {
    if (sentAtNanos - expiredAtNanos < 0) {
      return; // sent before the lease was found lost or the process stalled: proves nothing now
    }
    long until = sentAtNanos + heartbeatTimeout.minus(MARGIN).toNanos();
    if (!live || until - deadlineNanos > 0) {
      deadlineNanos = until;
    }
    live = true;
  }

  /** The lease can no longer be trusted ({@code why}, for the log): writes stop at once. */
  public synchronized void expire(String why) {
    if (live && nanoTime.getAsLong() - deadlineNanos < 0) {
      log.warn("host {}: lease no longer trusted ({}): libvirt writes stop", hostName, why);
    }
    live = false;
    expiredAtNanos = nanoTime.getAsLong();
  }

  /** True while the last acknowledged heartbeat still covers now. */
  public synchronized boolean isLive() {
    return live && nanoTime.getAsLong() - deadlineNanos < 0;
  }

  /** Refuses a write past the deadline, unless this thread runs the agent's join. */
  @Override
  public void checkWrite() {
    if (!joiningHere.get() && !isLive()) {
      throw new LeaseLostException(hostName);
    }
  }

  /**
   * Runs the agent's join (cleanup list, registration, reconciliation) on this thread with its
   * writes allowed: the host owes its cleanup before it may hold a lease, so the cleanup cannot
   * wait for one. Only this thread, only meanwhile: activities still running elsewhere stay gated.
   */
  public <T> T joining(Supplier<T> join) {
    boolean outer = joiningHere.get();
    joiningHere.set(true);
    try {
      return join.get();
    } finally {
      joiningHere.set(outer);
    }
  }
}
