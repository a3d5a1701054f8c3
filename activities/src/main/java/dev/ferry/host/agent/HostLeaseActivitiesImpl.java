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
 */
public class HostLeaseActivitiesImpl implements HostLeaseActivities {

  static final Duration DEFAULT_TICK = Duration.ofSeconds(1);

  private final String myIncarnation;
  private final LibvirtConnection connection;
  private final Duration period;
  private final BooleanSupplier shuttingDown;
  private final Duration tick;

  /**
   * @param myIncarnation this agent process's incarnation id; a lease for another one is stale
   * @param period how long one lease lasts before the HostWorkflow grants the next
   * @param shuttingDown true once the agent is shutting down gracefully
   */
  public HostLeaseActivitiesImpl(
      String myIncarnation,
      LibvirtConnection connection,
      Duration period,
      BooleanSupplier shuttingDown) {
    this(myIncarnation, connection, period, shuttingDown, DEFAULT_TICK);
  }

  /** With the interval between heartbeats (and between looks at the shutdown flag). */
  public HostLeaseActivitiesImpl(
      String myIncarnation,
      LibvirtConnection connection,
      Duration period,
      BooleanSupplier shuttingDown,
      Duration tick) {
    this.myIncarnation = myIncarnation;
    this.connection = connection;
    this.period = period;
    this.shuttingDown = shuttingDown;
    this.tick = tick;
  }

  @Override
  public LeaseEnd hold(String incarnation) {
    if (!myIncarnation.equals(incarnation)) {
      // granted to an earlier (or later) process on this host: not ours to keep alive
      return LeaseEnd.STALE;
    }
    ActivityExecutionContext context = Activity.getExecutionContext();
    long end = System.nanoTime() + period.toNanos();
    while (true) {
      if (shuttingDown.getAsBoolean()) {
        return LeaseEnd.RELEASED;
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
