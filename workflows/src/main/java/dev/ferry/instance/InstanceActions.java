package dev.ferry.instance;

import dev.ferry.action.ActionInput;
import dev.ferry.action.ServerActionWorkflow;
import dev.ferry.entities.HostRecordActivities;
import dev.ferry.model.ActionOutcome;
import dev.ferry.model.ActionRequest;
import dev.ferry.model.ActionSummary;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.Names;
import dev.ferry.model.ResetStateRequest;
import dev.ferry.model.ServerAction;
import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;

/**
 * The instance's server actions: starts one as a child that holds the lock (after asking whether
 * its host is up), and takes its end into the record and the action history.
 */
final class InstanceActions {

  private final InstanceRecord record;
  private final HostRecordActivities hostRecords;

  InstanceActions(InstanceRecord record, HostRecordActivities hostRecords) {
    this.record = record;
    this.hostRecords = hostRecords;
  }

  /** Starts {@code request} ({@link ActionRules} accepted it); returns the action's workflow id. */
  String start(ActionRequest request) {
    if (ActionRules.existingAction(record, request) != null) {
      return Names.actionWorkflowId(request.actionId());
    }
    if (request.action() != ServerAction.RECONCILE) {
      refuseWhenHostDown(request); // a reconcile asks every UP host: its own may be down
    }
    record.currentActionId = request.actionId();
    record.currentAction = request.action();
    record.currentActionBy = request.requestedBy();
    record.currentActionStartedAtMillis = Workflow.currentTimeMillis();
    record.taskState = request.action().taskState();
    String workflowId = Names.actionWorkflowId(request.actionId());
    ServerActionWorkflow action =
        Workflow.newChildWorkflowStub(
            ServerActionWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(Names.CONDUCTOR_QUEUE)
                // it outlives this run (continue-as-new) and tells us when it ends
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                .setStaticSummary(
                    request.action().novaName() + " server " + record.name + " on " + record.host)
                .build());
    Async.function(action::run, new ActionInput(request, record.host, record.name, record.flavor));
    try {
      Workflow.getWorkflowExecution(action).get();
    } catch (RuntimeException e) {
      clearLock();
      record.taskState = TaskState.NONE;
      throw new FerryRejection(
              Reason.UNREACHABLE, "could not start " + workflowId + ": " + e.getMessage())
          .toFailure();
    }
    return workflowId;
  }

  /** The action ended: the guest's state as read after it, the result in the history. */
  void closed(ActionOutcome outcome) {
    if (!outcome.actionId().equals(record.currentActionId)) {
      return; // its lock was released already (it vanished): nothing to take over
    }
    if (outcome.guest() != null) {
      record.vmState = outcome.guest().vmState();
      record.powerState = outcome.guest().powerState();
    }
    if (outcome.host() != null) {
      record.host = outcome.host(); // a reconcile found it there (and moved its claim)
    }
    if (outcome.epoch() != null) {
      record.epoch = outcome.epoch();
    }
    record.taskState = TaskState.NONE;
    if (!outcome.succeeded() || record.vmState == VmState.ERROR) {
      record.lastError = outcome.message();
    } else if (record.currentAction == ServerAction.RECONCILE) {
      record.lastError = null; // the record says what the hosts say now
    }
    record.addAction(summary(outcome.succeeded(), outcome.message()));
    clearLock();
  }

  /**
   * The operator sets the vm state (ResetStateRules accepted it): no host is asked, the task is
   * cleared, the action is recorded with who did it.
   */
  void resetState(ResetStateRequest request) {
    VmState before = record.vmState;
    record.vmState = request.state();
    record.taskState = TaskState.NONE;
    long now = Workflow.currentTimeMillis();
    record.addAction(
        new ActionSummary(
            request.actionId(),
            ServerAction.RESET_STATE,
            request.requestedBy(),
            true,
            "vm state " + before + " -> " + request.state(),
            now,
            now));
  }

  /** The action's workflow closed without telling (terminated): free the lock, state unknown. */
  void vanished() {
    record.taskState = TaskState.NONE;
    String why = "closed without reporting (terminated?); the guest's state was not read";
    record.addAction(summary(false, why));
    record.lastError = record.currentAction.novaName() + " " + record.currentActionId + " " + why;
    clearLock();
  }

  private ActionSummary summary(boolean succeeded, String message) {
    return new ActionSummary(
        record.currentActionId,
        record.currentAction,
        record.currentActionBy,
        succeeded,
        message,
        record.currentActionStartedAtMillis,
        Workflow.currentTimeMillis());
  }

  /** An action needs the host's agent: a DOWN or forced-down host refuses it before it starts. */
  private void refuseWhenHostDown(ActionRequest request) {
    HostRecord host;
    try {
      host = hostRecords.get(record.host);
    } catch (ActivityFailure e) {
      throw new FerryRejection(
              Reason.UNREACHABLE, "cannot read host " + record.host + ": " + e.getMessage())
          .toFailure();
    }
    if (host.status != HostStatus.UP || host.forcedDown) {
      throw new FerryRejection(
              Reason.HOST_UNAVAILABLE,
              "host "
                  + record.host
                  + " of "
                  + record.name
                  + " is "
                  + (host.forcedDown ? "forced down" : "DOWN")
                  + ": cannot "
                  + request.action().novaName()
                  + " it (evacuate it, or wait for the host)")
          .toFailure();
    }
  }

  private void clearLock() {
    record.currentActionId = null;
    record.currentAction = null;
    record.currentActionBy = null;
  }
}
