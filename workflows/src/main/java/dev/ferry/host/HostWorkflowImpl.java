package dev.ferry.host;

import dev.ferry.entities.Entities;
import dev.ferry.entities.EntityDetails;
import dev.ferry.entities.PlacementActivities;
import dev.ferry.entities.WorkflowInspectionActivities;
import dev.ferry.host.HostLeaseActivities.LeaseEnd;
import dev.ferry.model.AgentRegistration;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import dev.ferry.model.Names;
import dev.ferry.move.ActivityFailures;
import dev.ferry.move.ConductorCalls;
import dev.ferry.placement.PlacementWorkflow;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One compute host's record. Liveness is a lease activity on the host's own queue: its heartbeats
 * write no history, and its failure (heartbeat timeout: the agent died or lost libvirt) marks the
 * host DOWN, unless a newer incarnation of the agent has registered meanwhile.
 */
public class HostWorkflowImpl implements HostWorkflow {

  /**
   * A lease is renewed after this long, costing a handful of events per period: the period of
   * agents that do not announce theirs (registrations from before {@code
   * AgentRegistration.leasePeriod}).
   */
  public static final Duration LEASE_PERIOD = Duration.ofMinutes(10);

  /** A lease's StartToClose is its incarnation's period plus this: it ends RENEW well before. */
  public static final Duration LEASE_END_MARGIN = Duration.ofMinutes(1);

  /**
   * The agent heartbeats every second, and its worker sends one at least every second (it caps the
   * SDK's throttle, by default 0.8 x this). A dead agent is noticed within about this long.
   */
  public static final Duration LEASE_HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

  /** An agent that registered must start polling within this long, or it is not alive. */
  public static final Duration LEASE_PICKUP_TIMEOUT = Duration.ofSeconds(30);

  /** Placement may not exist yet at first registration; try telling it again after this. */
  private static final Duration PLACEMENT_RETRY = Duration.ofSeconds(5);

  private final HostRecord host;
  private final Set<String> leasesRunning = new HashSet<>();
  private boolean placementStale = true;

  /** A summary signal to placement is on its way (the loop waits for its delivery). */
  private boolean telling;

  /** A delete is asking placement to forget the host: nothing more is told to placement. */
  private boolean retiring;

  private final MigrationSlots slots;
  private final HostCleanups cleanups;
  private final WorkflowInspectionActivities inspection = ConductorCalls.inspection();

  @WorkflowInit
  public HostWorkflowImpl(HostRecord initial) {
    this.host = initial;
    this.slots = new MigrationSlots(initial);
    this.cleanups = new HostCleanups(initial);
  }

  /**
   * The lease stub for an incarnation that announced {@code period} (null: {@link #LEASE_PERIOD}).
   * One source of truth: the agent's configured period sizes the StartToClose, so a longer period
   * does not time its leases out. Timeouts are not checked on replay: the commands are unchanged.
   */
  private static HostLeaseActivities leaseStub(String hostName, Duration period) {
    Duration leasePeriod = period != null ? period : LEASE_PERIOD;
    // One attempt: a failed lease IS the liveness verdict; the next registration grants a new one.
    return Workflow.newActivityStub(
        HostLeaseActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(Names.hostQueue(hostName))
            .setScheduleToStartTimeout(LEASE_PICKUP_TIMEOUT)
            .setStartToCloseTimeout(leasePeriod.plus(LEASE_END_MARGIN))
            .setHeartbeatTimeout(LEASE_HEARTBEAT_TIMEOUT)
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  @Override
  public void run(HostRecord initial) {
    cleanups.decideVersion();
    while (!host.retired) {
      if (host.status == HostStatus.UP && !leasesRunning.contains(host.incarnation)) {
        grantLease(host.incarnation);
      }
      if (cleanups.due(serving())) {
        cleanups.send();
      }
      boolean told = !placementStale || retiring || tellPlacement();
      // After a failed attempt, wait PLACEMENT_RETRY: placementStale is still true, and waking on
      // it would retry at once, a workflow task per attempt, until continue-as-new, forever.
      Duration idle = slots.inUse() ? Entities.RECONCILE_EVERY : Duration.ofDays(1);
      boolean timedOut =
          !Entities.awaitShowing(
              told ? idle : PLACEMENT_RETRY,
              () -> EntityDetails.host(host),
              () ->
                  (told && placementStale && !retiring)
                      || needsLease()
                      || cleanups.due(serving())
                      || host.retired
                      || Entities.historyTooLong());
      if (host.retired) {
        break;
      }
      if (Entities.historyTooLong()) {
        Workflow.await(() -> !retiring); // a delete under way decides whether the host goes on
        if (!host.retired) {
          Entities.continueAsNew(host);
        }
        return;
      }
      if (timedOut && told && slots.inUse()) {
        reclaimSlotsOfClosedMoves();
      }
    }
    Workflow.await(Workflow::isEveryHandlerFinished);
  }

  /** The host is UP and its current agent holds a lease: it takes work on its queue. */
  private boolean serving() {
    return host.status == HostStatus.UP && leasesRunning.contains(host.incarnation);
  }

  private boolean needsLease() {
    return host.status == HostStatus.UP && !leasesRunning.contains(host.incarnation);
  }

  private void grantLease(String incarnation) {
    leasesRunning.add(incarnation);
    HostLeaseActivities lease = leaseStub(host.name, host.leasePeriod);
    Async.function(lease::hold, incarnation)
        .handle(
            (end, failure) -> {
              leasesRunning.remove(incarnation);
              onLeaseEnded(incarnation, end, failure);
              return null;
            });
  }

  private void onLeaseEnded(String incarnation, LeaseEnd end, RuntimeException failure) {
    if (!incarnation.equals(host.incarnation) || host.status == HostStatus.DOWN) {
      return; // a stale lease of an earlier agent: the current one holds its own
    }
    if (failure == null && end == LeaseEnd.RENEW) {
      return; // the loop grants the next period
    }
    String reason =
        failure != null
            ? "agent lease lost: " + rootMessage(failure)
            : end == LeaseEnd.RELEASED ? "agent stopped" : "agent incarnation replaced";
    markDown(reason);
  }

  private void markDown(String reason) {
    host.status = HostStatus.DOWN;
    host.downReason = reason;
    host.statusChangedAtMillis = Workflow.currentTimeMillis();
    placementStale = true;
  }

  /** True when placement got the host's summary. */
  private boolean tellPlacement() {
    // Cleared before sending: a handler that changes the host while the signal is on its way sets
    // it again, and the next loop sends the newer summary (clearing it after would lose that).
    placementStale = false;
    telling = true;
    try {
      Workflow.newExternalWorkflowStub(PlacementWorkflow.class, Names.PLACEMENT_WORKFLOW_ID)
          .hostChanged(host.summary());
      return true;
    } catch (RuntimeException e) {
      placementStale = true;
      Workflow.getLogger(HostWorkflowImpl.class)
          .warn("placement not told about {} yet: {}", host.name, e.toString());
      return false;
    } finally {
      telling = false;
    }
  }

  @Override
  public HostRecord register(AgentRegistration registration) {
    host.incarnation = registration.incarnation();
    host.hypervisorType = registration.hypervisorType();
    host.hypervisorVersion = registration.hypervisorVersion();
    host.libvirtUri = registration.libvirtUri();
    host.migrationUri = registration.migrationUri();
    host.inventory = registration.inventory();
    host.maxConcurrentLiveMigrations = registration.maxConcurrentLiveMigrations();
    host.leasePeriod = registration.leasePeriod();
    host.status = HostStatus.UP;
    host.downReason = null;
    host.statusChangedAtMillis = Workflow.currentTimeMillis();
    placementStale = true;
    return host;
  }

  @Override
  public void validateSetEnabled(boolean enabled, String reason) {
    if (reason != null && reason.length() > HostRecord.MAX_DISABLED_REASON) {
      throw Entities.rejectUpdate(
          new FerryRejection(
              FerryRejection.Reason.INVALID_ARGUMENT, "the disable reason is over 255 characters"));
    }
  }

  @Override
  public HostRecord setEnabled(boolean enabled, String reason) {
    host.enabled = enabled;
    host.disabledReason = enabled ? null : reason;
    placementStale = true;
    return host;
  }

  @Override
  public HostRecord setForcedDown(boolean forcedDown) {
    host.forcedDown = forcedDown;
    host.statusChangedAtMillis = Workflow.currentTimeMillis();
    placementStale = true;
    return host;
  }

  @Override
  public void validateRetire() {
    if (retiring) {
      throw Entities.rejectUpdate(
          new FerryRejection(
              FerryRejection.Reason.INVALID_STATE,
              "host '" + host.name + "' is being deleted already"));
    }
    try {
      HostRetirement.requireRetirable(host, !leasesRunning.isEmpty());
    } catch (FerryRejection r) {
      throw Entities.rejectUpdate(r);
    }
  }

  /**
   * Placement forgets the host first, so a refusal there (something claimed on it) changes nothing
   * here. While it is asked, the loop tells placement nothing (a summary landing after the forget
   * would list the host again); an agent that registered meanwhile refuses the delete and the host
   * is told to placement again.
   */
  @Override
  public void retire() {
    retiring = true;
    try {
      Workflow.await(() -> !telling);
      try {
        Workflow.newActivityStub(PlacementActivities.class, ConductorCalls.WHILE_OPERATOR_WAITS)
            .forgetHost(host.name);
      } catch (ActivityFailure f) {
        throw ActivityFailures.rejectionOrUnreachable(f, "placement did not forget the host")
            .toFailure();
      }
      try {
        HostRetirement.requireRetirable(host, !leasesRunning.isEmpty());
      } catch (FerryRejection r) {
        throw r.toFailure();
      }
      host.retired = true; // placement forgot the host: this run ends, and with it the host
    } finally {
      retiring = false;
      if (!host.retired) {
        placementStale = true;
      }
    }
  }

  @Override
  public boolean acquireSlot(String moveId) {
    return slots.acquire(moveId);
  }

  @Override
  public void releaseSlot(String moveId) {
    notifyGranted(slots.release(moveId));
  }

  /** Tells each newly granted move; a move that is gone gives its slot on at once. */
  private void notifyGranted(List<String> granted) {
    for (String moveId : granted) {
      try {
        Workflow.newUntypedExternalWorkflowStub(Names.moveWorkflowId(moveId))
            .signal(SLOT_GRANTED_SIGNAL, host.name);
      } catch (RuntimeException e) {
        notifyGranted(slots.release(moveId));
      }
    }
  }

  /** Slots whose move closed without releasing them (terminated) are given on. */
  private void reclaimSlotsOfClosedMoves() {
    Map<String, String> moveByWorkflowId = new LinkedHashMap<>();
    for (String moveId : slots.owners()) {
      moveByWorkflowId.put(Names.moveWorkflowId(moveId), moveId);
    }
    List<String> gone;
    try {
      gone = inspection.closedOrMissing(new ArrayList<>(moveByWorkflowId.keySet()));
    } catch (ActivityFailure e) {
      return; // next round
    }
    for (String workflowId : gone) {
      releaseSlot(moveByWorkflowId.get(workflowId));
    }
  }

  @Override
  public void addCleanup(CleanupItem item) {
    if (host.cleanup.stream().noneMatch(c -> c.id().equals(item.id()))) {
      host.cleanup.add(item);
    }
  }

  @Override
  public void cleanupDone(List<String> itemIds) {
    cleanups.done(itemIds);
  }

  @Override
  public HostRecord retryCleanup() {
    cleanups.retry();
    placementStale = true;
    return host;
  }

  @Override
  public void validateDropCleanup(String itemId) {
    try {
      cleanups.requireOwed(itemId);
    } catch (FerryRejection r) {
      throw Entities.rejectUpdate(r);
    }
  }

  @Override
  public HostRecord dropCleanup(String itemId) {
    cleanups.drop(itemId);
    placementStale = true;
    return host;
  }

  @Override
  public void reportUnmanaged(List<String> domainNames) {
    host.unmanagedDomains = List.copyOf(domainNames);
  }

  @Override
  public HostRecord get() {
    return host;
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }
}
