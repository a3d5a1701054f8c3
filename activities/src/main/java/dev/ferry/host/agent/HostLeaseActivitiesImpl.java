package dev.ferry.host.agent;

import dev.ferry.host.HostLeaseActivities;
import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The agent's side of the liveness lease. Heartbeats while the agent's libvirt connection is
 * healthy; while it is not, it stops heartbeating but keeps running, so the HostWorkflow's
 * heartbeat timeout marks the host DOWN (as Nova disables a compute that lost libvirt) without this
 * agent having to reach Temporal to say so.
 *
 * <p>It holds leases of the agent's current incarnation only ({@link LeaseWatch}): once the agent
 * registered again under a new one (after losing its lease), a lease of the old one is STALE, at
 * once or, still running here, at its next tick. It tells the watch when a lease runs and when the
 * server refused a heartbeat, so the agent notices a lost lease.
 */
public class HostLeaseActivitiesImpl implements HostLeaseActivities {

  static final Duration DEFAULT_TICK = Duration.ofSeconds(1);

  private final LeaseWatch watch;
  private final LibvirtConnection connection;
  private final Duration period;
  private final BooleanSupplier shuttingDown;
  private final Duration tick;

  /**
   * @param watch this agent process's current incarnation (a lease for another one is stale), told
   *     what the leases do
   * @param period how long one lease lasts before the HostWorkflow grants the next
   * @param shuttingDown true once the agent is shutting down gracefully
   */
  public HostLeaseActivitiesImpl(
      LeaseWatch watch,
      LibvirtConnection connection,
      Duration period,
      BooleanSupplier shuttingDown) {
    this(watch, connection, period, shuttingDown, DEFAULT_TICK);
  }

  /** With the interval between heartbeats (and between looks at the shutdown flag). */
  public HostLeaseActivitiesImpl(
      LeaseWatch watch,
      LibvirtConnection connection,
      Duration period,
      BooleanSupplier shuttingDown,
      Duration tick) {
    this.watch = watch;
    this.connection = connection;
    this.period = period;
    this.shuttingDown = shuttingDown;
    this.tick = tick;
  }

  @Override
  public LeaseEnd hold(String incarnation) {
    if (!watch.started(incarnation)) {
      // granted to an earlier (or later) incarnation on this host: not ours to keep alive
      return LeaseEnd.STALE;
    }
    try {
      return holdUntilItEnds(incarnation);
    } finally {
      watch.ended(incarnation);
    }
  }

  private LeaseEnd holdUntilItEnds(String incarnation) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    long end = System.nanoTime() + period.toNanos();
    while (true) {
      if (shuttingDown.getAsBoolean()) {
        return LeaseEnd.RELEASED;
      }
      if (!watch.isCurrent(incarnation)) {
        return LeaseEnd.STALE; // the agent registered again: the new incarnation holds its own
      }
      long left = end - System.nanoTime();
      if (left <= 0) {
        return LeaseEnd.RENEW;
      }
      if (connection.isHealthy()) {
        try {
          context.heartbeat(incarnation);
        } catch (ActivityCompletionException e) {
          // cancelled, the workflow is gone, the lease timed out, or the worker stops
          if (shuttingDown.getAsBoolean()) {
            return LeaseEnd.RELEASED;
          }
          watch.refused(incarnation);
          throw e;
        }
      }
      try {
        Thread.sleep(Math.max(1, Math.min(tick.toMillis(), Duration.ofNanos(left).toMillis())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (shuttingDown.getAsBoolean()) {
          return LeaseEnd.RELEASED;
        }
        throw Activity.wrap(e);
      }
    }
  }
}
