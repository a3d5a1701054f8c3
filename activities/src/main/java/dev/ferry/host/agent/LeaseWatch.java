package dev.ferry.host.agent;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * What the agent process knows locally about its liveness lease: its current incarnation, whether a
 * lease of that incarnation runs here, and whether the server refused one.
 *
 * <p>The HostWorkflow grants no new lease to the incarnation whose lease failed (its host is DOWN),
 * so an agent that lost its lease while it kept running (frozen longer than the heartbeat timeout,
 * the Temporal server away past it) must notice by itself and register again. Either of two signals
 * makes the lease <em>suspect</em>; the agent then asks its HostWorkflow ({@code LeaseRecovery}),
 * because neither alone proves the loss:
 *
 * <ul>
 *   <li><b>refused</b>: a heartbeat of the running lease failed because the activity is gone (it
 *       timed out, or its workflow run closed, e.g. continued as new, which grants a new lease).
 *       This is the fast path: seen within a second of the agent running again.
 *   <li><b>quiet</b>: no lease of this incarnation has run here for longer than {@code quietLimit}.
 *       While the conductor runs, a lease is followed by the next at once, and the HostWorkflow
 *       grants none to an incarnation that lost one; so a long quiet means the lease was lost where
 *       no heartbeat could fail (its end went unreported while the server was away, or it was never
 *       picked up), or that the conductor is away and has not granted the next one yet.
 * </ul>
 */
public final class LeaseWatch {
  private final Duration quietLimit;
  private final LongSupplier nanoTime;
  private String incarnation;
  private int running;
  private long lastHeldNanos;
  private boolean refused;

  /**
   * @param incarnation the incarnation this process registered under
   * @param quietLimit longer than this without a lease of its incarnation, the lease is suspect
   */
  public LeaseWatch(String incarnation, Duration quietLimit) {
    this(incarnation, quietLimit, System::nanoTime);
  }

  /** With the clock (a test's is manual). */
  public LeaseWatch(String incarnation, Duration quietLimit, LongSupplier nanoTime) {
    this.incarnation = incarnation;
    this.quietLimit = quietLimit;
    this.nanoTime = nanoTime;
    this.lastHeldNanos = nanoTime.getAsLong();
  }

  public synchronized String incarnation() {
    return incarnation;
  }

  public synchronized boolean isCurrent(String leaseIncarnation) {
    return incarnation.equals(leaseIncarnation);
  }

  /** A lease starts here: true when it is the current incarnation's (else it is stale). */
  public synchronized boolean started(String leaseIncarnation) {
    if (!isCurrent(leaseIncarnation)) {
      return false;
    }
    running++;
    refused = false;
    lastHeldNanos = nanoTime.getAsLong();
    return true;
  }

  /** A lease that {@link #started} ends, however it ends. */
  public synchronized void ended(String leaseIncarnation) {
    if (isCurrent(leaseIncarnation) && running > 0) {
      running--;
      lastHeldNanos = nanoTime.getAsLong();
    }
  }

  /** The server refused a heartbeat of a running lease: the activity is gone. */
  public synchronized void refused(String leaseIncarnation) {
    if (isCurrent(leaseIncarnation)) {
      refused = true;
    }
  }

  /** True when the lease may be lost: refused, or no lease of this incarnation for too long. */
  public synchronized boolean suspect() {
    if (refused) {
      return true;
    }
    return running == 0
        && Duration.ofNanos(nanoTime.getAsLong() - lastHeldNanos).compareTo(quietLimit) > 0;
  }

  /** Why the lease is suspect, for the log line. */
  public synchronized String suspicion() {
    if (refused) {
      return "a heartbeat of the lease was refused";
    }
    return running == 0
        ? "no lease for "
            + Duration.ofNanos(nanoTime.getAsLong() - lastHeldNanos).toSeconds()
            + " s"
        : "none";
  }

  /**
   * The agent registers again under {@code next}: leases of the old incarnation still running here
   * end STALE, and the new one has {@code quietLimit} to arrive.
   */
  public synchronized void replace(String next) {
    incarnation = next;
    running = 0;
    refused = false;
    lastHeldNanos = nanoTime.getAsLong();
  }
}
