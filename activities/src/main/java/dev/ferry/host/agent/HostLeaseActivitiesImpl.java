package dev.ferry.host.agent;

import dev.ferry.host.HostLeaseActivities;
import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.ActivityNotExistsException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>Each heartbeat is sent directly ({@link LeaseHeartbeats}) and its answer extends the agent's
 * {@link LeaseDeadline}, which gates its libvirt writes; an answer that refuses the lease expires
 * it. The SDK's heartbeat is kept as well: it is how the SDK itself ends the activity when the
 * server cancels or times it out.
 */
public class HostLeaseActivitiesImpl implements HostLeaseActivities {
  private static final Logger log = LoggerFactory.getLogger(HostLeaseActivitiesImpl.class);

  static final Duration DEFAULT_TICK = Duration.ofSeconds(1);

  private final LeaseWatch watch;
  private final LeaseDeadline deadline;
  private final LeaseHeartbeats heartbeats;
  private final LibvirtConnection connection;
  private final Duration period;
  private final BooleanSupplier shuttingDown;
  private final Duration tick;

  /**
   * @param watch this agent process's current incarnation (a lease for another one is stale), told
   *     what the leases do
   * @param deadline extended by each acknowledged heartbeat, expired by a refused one
   * @param heartbeats sends a heartbeat and returns the server's answer
   * @param period how long one lease lasts before the HostWorkflow grants the next
   * @param shuttingDown true once the agent is shutting down gracefully
   */
  public HostLeaseActivitiesImpl(
      LeaseWatch watch,
      LeaseDeadline deadline,
      LeaseHeartbeats heartbeats,
      LibvirtConnection connection,
      Duration period,
      BooleanSupplier shuttingDown) {
    this(watch, deadline, heartbeats, connection, period, shuttingDown, DEFAULT_TICK);
  }

  /** With the interval between heartbeats (and between looks at the shutdown flag). */
  public HostLeaseActivitiesImpl(
      LeaseWatch watch,
      LeaseDeadline deadline,
      LeaseHeartbeats heartbeats,
      LibvirtConnection connection,
      Duration period,
      BooleanSupplier shuttingDown,
      Duration tick) {
    this.watch = watch;
    this.deadline = deadline;
    this.heartbeats = heartbeats;
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
      LeaseEnd end = holdUntilItEnds(incarnation);
      if (end == LeaseEnd.RELEASED) {
        // the host goes DOWN now: what still runs here while the agent stops writes nothing
        deadline.expire("the agent released its lease: it is stopping");
      }
      return end;
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
        LeaseHeartbeats.Answer answer = sendHeartbeat(context, incarnation);
        if (answer == LeaseHeartbeats.Answer.END_REQUESTED
            || answer == LeaseHeartbeats.Answer.GONE) {
          if (shuttingDown.getAsBoolean()) {
            return LeaseEnd.RELEASED;
          }
          watch.refused(incarnation);
          throw refusal(context, answer);
        }
        try {
          context.heartbeat(incarnation);
        } catch (ActivityCompletionException e) {
          // cancelled, the workflow is gone, the lease timed out, or the worker stops
          if (shuttingDown.getAsBoolean()) {
            return LeaseEnd.RELEASED;
          }
          deadline.expire("the SDK's heartbeat of the lease was refused: " + e);
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

  /**
   * One direct heartbeat; its answer, once seen, moves the deadline: an acknowledgement extends it,
   * a refusal expires it. Null when no answer came: the deadline is left to run out by itself.
   */
  private LeaseHeartbeats.Answer sendHeartbeat(
      ActivityExecutionContext context, String incarnation) {
    long sentAt = deadline.now(); // before sending: the server received it no earlier
    LeaseHeartbeats.Answer answer;
    try {
      answer = heartbeats.send(context.getTaskToken(), incarnation);
    } catch (RuntimeException e) {
      log.debug("lease heartbeat of {} unanswered: {}", incarnation, e.toString());
      return null;
    }
    if (answer == LeaseHeartbeats.Answer.ACKNOWLEDGED) {
      Duration timeout = context.getInfo().getHeartbeatTimeout();
      if (!timeout.isZero()) {
        deadline.acknowledged(sentAt, timeout);
      }
    } else {
      deadline.expire("the server answered a heartbeat of the lease with " + answer);
    }
    return answer;
  }

  /** How the lease ends when the server refused its heartbeat, as the SDK's heartbeat would. */
  private static ActivityCompletionException refusal(
      ActivityExecutionContext context, LeaseHeartbeats.Answer answer) {
    return answer == LeaseHeartbeats.Answer.GONE
        ? new ActivityNotExistsException(
            context.getInfo(), new IllegalStateException("the server no longer has the lease"))
        : new ActivityCanceledException(context.getInfo());
  }
}
