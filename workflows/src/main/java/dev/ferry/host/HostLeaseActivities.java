package dev.ferry.host;

import io.temporal.activity.ActivityInterface;

/**
 * The liveness lease, run by the host's agent on {@code ferry-host-<name>}. It heartbeats while the
 * agent's libvirt connection is healthy; heartbeats write no history, so an idle host costs a few
 * events per lease period.
 */
@ActivityInterface(namePrefix = "HostLease")
public interface HostLeaseActivities {
  /** How a lease ended without failing. */
  enum LeaseEnd {
    /** The period ran out; the HostWorkflow grants the next. */
    RENEW,
    /** The agent is shutting down gracefully. */
    RELEASED,
    /** This agent is not the incarnation the lease was granted to. */
    STALE
  }

  /** Holds the lease granted to {@code incarnation} until the period ends or the agent stops. */
  LeaseEnd hold(String incarnation);
}
