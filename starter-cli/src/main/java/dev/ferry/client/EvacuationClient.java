package dev.ferry.client;

import static dev.ferry.client.ClientContext.seconds;
import static dev.ferry.client.ClientContext.unknownInstance;
import static dev.ferry.client.Inputs.label;
import static dev.ferry.client.Inputs.requireConcurrency;
import static dev.ferry.client.Inputs.requirePositive;
import static dev.ferry.client.Inputs.stripMovePrefix;

import dev.ferry.evacuate.EvacuationDetails;
import dev.ferry.evacuate.FenceMethods;
import dev.ferry.evacuate.HostDrainWorkflow;
import dev.ferry.evacuate.HostEvacuationWorkflow;
import dev.ferry.evacuate.HostMoveItem;
import dev.ferry.evacuate.HostMoves;
import dev.ferry.evacuate.HostMovesInput;
import dev.ferry.evacuate.HostMovesView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostRecord;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.move.MoveView;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Emptying hosts ({@code ferry evacuate}, {@code host evacuate}, {@code host drain}): evacuate a
 * server off its failed host, every server of a failed host, or live-migrate every server off an UP
 * host; and the host-wide runs' progress. Obtained from {@link FerryClient#evacuation()}.
 */
public final class EvacuationClient {
  private final ClientContext ctx;
  private final HostsClient hosts;
  private final ServersClient servers;
  private final HostRuns runs;

  EvacuationClient(ClientContext ctx, HostsClient hosts, ServersClient servers) {
    this.ctx = ctx;
    this.hosts = hosts;
    this.servers = servers;
    this.runs = new HostRuns(ctx);
  }

  /**
   * Evacuates a server off its failed host: fence the host, rebuild the server elsewhere from its
   * record. Returns the move id; a second request while one runs returns the running one.
   *
   * @param destHost null lets the scheduler pick
   * @param fenceMethod confirmed-off, libvirt-destroy, ipmi or redfish; null = the conductor's
   *     default
   * @throws FerryRejection the server's record refuses what it cannot start, e.g. HOST_IN_USE while
   *     the server's host is UP and not forced down (Nova's ComputeServiceInUse): nothing changed
   */
  public String evacuate(String server, String destHost, String fenceMethod) {
    requireFenceMethod(fenceMethod);
    if (destHost != null) {
      Names.requireValidName("host", destHost);
    }
    InstanceRecord record = servers.get(server);
    MoveRequest request =
        new MoveRequest(
            ctx.newId(),
            MoveType.EVACUATION,
            record.id,
            destHost,
            null,
            null,
            ctx.user,
            fenceMethod);
    String workflowId =
        ctx.call(
            "start evacuation of server " + label(record),
            () -> ctx.instanceStub(record.id).startMove(request),
            () -> unknownInstance(server));
    return stripMovePrefix(workflowId);
  }

  /**
   * Evacuates every server of a failed host, at most {@code concurrency} at a time (a server-side
   * workflow; a second request while one runs joins it). Returns its workflow id.
   *
   * @throws FerryRejection HOST_IN_USE while the host is UP and not forced down
   */
  public String evacuateHost(String host, int concurrency, String fenceMethod) {
    return evacuateHost(host, concurrency, fenceMethod, null);
  }

  /**
   * {@link #evacuateHost(String, int, String)} with every server rebuilt on {@code destHost} (null:
   * placement picks one per server), as Nova's {@code host-evacuate --target_host}.
   *
   * @throws FerryRejection the target is the failed host itself, unknown, or not UP and enabled
   */
  public String evacuateHost(String host, int concurrency, String fenceMethod, String destHost) {
    HostRecord record = hosts.get(host);
    if (record.isAlive()) {
      throw hostInUse(host);
    }
    requireFenceMethod(fenceMethod);
    if (destHost != null) {
      requireTarget(host, destHost);
    }
    String workflowId = HostMoves.evacuationWorkflowId(host);
    HostEvacuationWorkflow stub =
        ctx.client.newWorkflowStub(
            HostEvacuationWorkflow.class,
            hostMovesOptions(workflowId, "evacuate every server of failed host " + host));
    HostMovesInput input =
        new HostMovesInput(host, requireConcurrency(concurrency), ctx.user, fenceMethod)
            .toHost(destHost);
    ctx.call(
        "start evacuation of host " + host, () -> WorkflowClient.start(stub::run, input), null);
    return workflowId;
  }

  /**
   * Drains an UP host: disables it, then live-migrates its servers away, at most {@code
   * concurrency} at a time (Nova's host-evacuate-live, server-side). Returns its workflow id.
   *
   * @throws FerryRejection HOST_UNAVAILABLE when the host is down (evacuate it instead)
   */
  public String drainHost(String host, int concurrency) {
    HostRecord record = hosts.get(host);
    if (!record.isAlive()) {
      throw new FerryRejection(
          Reason.HOST_UNAVAILABLE,
          "host "
              + host
              + " is "
              + (record.forcedDown ? "forced down" : "DOWN")
              + ": live migration needs its agent; if it has failed, use 'ferry host evacuate "
              + host
              + "'");
    }
    String workflowId = HostMoves.drainWorkflowId(host);
    HostDrainWorkflow stub =
        ctx.client.newWorkflowStub(
            HostDrainWorkflow.class,
            hostMovesOptions(workflowId, "drain host " + host + " (live-migrate its servers)"));
    HostMovesInput input =
        new HostMovesInput(host, requireConcurrency(concurrency), ctx.user, null);
    ctx.call("start drain of host " + host, () -> WorkflowClient.start(stub::run, input), null);
    return workflowId;
  }

  /**
   * An evacuation's own details (how its source was fenced, what became of the disk, notes); null
   * when there is no such move or it is not an evacuation. {@code moveId} may carry the {@code
   * move:} prefix.
   */
  public EvacuationDetails details(String moveId) {
    String id = stripMovePrefix(moveId);
    try {
      return queryMove(id, "details", EvacuationDetails.class);
    } catch (FerryFailure f) {
      // another kind of move has no "details" query: ask what it is before calling this a failure
      MoveView view = queryMove(id, "status", MoveView.class);
      if (view == null || view.type() != MoveType.EVACUATION) {
        return null;
      }
      throw f;
    }
  }

  /** One query of the move's workflow; null when there is no such move. */
  private <T> T queryMove(String id, String query, Class<T> type) {
    String workflowId = Names.moveWorkflowId(id);
    try {
      return ctx.call(
          "query " + query + " of move " + id,
          () -> ctx.client.newUntypedWorkflowStub(workflowId).query(query, type),
          () -> new FerryRejection(Reason.UNKNOWN_INSTANCE, "no move " + id));
    } catch (FerryRejection r) {
      if (r.reason() == Reason.UNKNOWN_INSTANCE) {
        return null;
      }
      throw r;
    }
  }

  /**
   * A host evacuation's or drain's progress ({@code host-evacuation:<h>} / {@code host-drain:<h>}),
   * the running one or the last; its status {@code cancelled} (or {@code terminated}, {@code
   * failed}) when the workflow ended so while it waited.
   *
   * @throws FerryRejection UNKNOWN_INSTANCE when none has run
   */
  public HostMovesView hostMoves(String workflowId) {
    return withRecordedStatuses(runs.view(workflowId));
  }

  /**
   * Cancels the running host evacuation or drain (a Temporal cancel, never a terminate) and answers
   * once it has ended: it starts no further move; the moves it started go on (a live migration can
   * be aborted on its own); a drained host stays disabled.
   *
   * @throws FerryRejection NOTHING_PENDING when none runs (nothing changed)
   */
  public HostMovesView cancelHostMoves(String workflowId, Duration timeout) {
    return withRecordedStatuses(runs.cancel(workflowId, requirePositive(timeout, "timeout")));
  }

  /** Polls a host evacuation or drain until it is no longer running. */
  public HostMovesView awaitHostMoves(String workflowId, Duration timeout) {
    return withRecordedStatuses(
        Polling.every(ClientContext.POLL)
            .until(
                hostMovesWatch(workflowId, () -> runs.view(workflowId)),
                requirePositive(timeout, "timeout")));
  }

  /**
   * A host evacuation's ended moves with the status their servers' records hold, as {@code
   * migration show} gives them ({@code completed} once the old host destroyed the stale copy).
   */
  private HostMovesView withRecordedStatuses(HostMovesView view) {
    if (view == null || view.items() == null) {
      return view;
    }
    MoveType type =
        "host-drain".equals(view.kind()) ? MoveType.LIVE_MIGRATION : MoveType.EVACUATION;
    for (HostMoveItem item : view.items()) {
      if (item.state == HostMoveItem.State.DONE
          && item.instanceId != null
          && RecordedMove.mayChangeAfterClose(type, item.moveStatus)) {
        item.moveStatus =
            RecordedMove.of(item.moveId, type, item.moveStatus, servers.readable(item.instanceId));
      }
    }
    return view;
  }

  /** Waiting for a host evacuation or drain to end; a wait that runs out says where it is. */
  static Polling.Watch<HostMovesView> hostMovesWatch(
      String workflowId, Supplier<HostMovesView> progress) {
    return Polling.watch(
        progress,
        HostRunStatus::ended,
        (view, timeout) ->
            new WaitTimedOut(
                workflowId
                    + " is still running after "
                    + seconds(timeout)
                    + " ("
                    + view.done()
                    + " done, "
                    + view.running()
                    + " running, "
                    + view.pending()
                    + " pending); it goes on"));
  }

  /**
   * Null (the conductor's default) or one of {@link FenceMethods#ALL}; public for a caller that
   * refuses a bad one before connecting.
   *
   * @throws FerryRejection INVALID_ARGUMENT for an unknown method
   */
  public static void requireFenceMethod(String fenceMethod) {
    if (fenceMethod != null && !FenceMethods.ALL.contains(fenceMethod)) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT,
          "unknown fencing method '"
              + fenceMethod
              + "': use one of "
              + String.join(", ", FenceMethods.ALL));
    }
  }

  private static WorkflowOptions hostMovesOptions(String workflowId, String summary) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(Names.CONDUCTOR_QUEUE)
        // a second request while one runs joins it; a finished one may run again
        .setWorkflowIdConflictPolicy(
            WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
        .setStaticSummary(summary)
        .build();
  }

  private static FerryRejection hostInUse(String host) {
    return new FerryRejection(
        Reason.HOST_IN_USE,
        "host "
            + host
            + " is UP and not forced down: evacuation is only for a failed host. If it has"
            + " failed, force it down first ('ferry host set-down "
            + host
            + "'); to empty a running host, use 'ferry host drain "
            + host
            + "'");
  }

  /** An evacuation's target: a valid name, not the failed host, known, UP and enabled. */
  private void requireTarget(String failedHost, String destHost) {
    Names.requireValidName("host", destHost);
    if (destHost.equals(failedHost)) {
      throw new FerryRejection(
          Reason.SAME_HOST, "host " + destHost + " is the failed one: pick another target host");
    }
    hosts.requireUsableDestination(destHost);
  }
}
