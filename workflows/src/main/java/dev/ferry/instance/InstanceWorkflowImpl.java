package dev.ferry.instance;

import dev.ferry.entities.Entities;
import dev.ferry.entities.EntityDetails;
import dev.ferry.entities.HostRecordActivities;
import dev.ferry.entities.PlacementActivities;
import dev.ferry.entities.WorkflowInspectionActivities;
import dev.ferry.evacuate.EvacuationStatus;
import dev.ferry.model.ActionOutcome;
import dev.ferry.model.ActionRequest;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.GuestObservation;
import dev.ferry.model.InstanceMoveStatus;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveOutcome;
import dev.ferry.model.MoveProgress;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveSummary;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.model.NovaStatus;
import dev.ferry.model.PowerState;
import dev.ferry.model.ResetStateRequest;
import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;
import dev.ferry.move.ConductorCalls;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.util.List;

/**
 * The instance record and its lock: spawns, starts moves, records their outcome, deletes. The work
 * on its host (the build, the removal) is {@link InstanceOnHost}'s.
 */
public class InstanceWorkflowImpl implements InstanceWorkflow {

  private final InstanceRecord record;
  private final PlacementActivities placement = ConductorCalls.placement();
  private final HostRecordActivities hostRecords = ConductorCalls.hostRecords();
  private final WorkflowInspectionActivities inspection = ConductorCalls.inspection();
  private final InstanceOnHost onHost;
  private final InstanceActions actions;
  private final MoveStart moves;
  private boolean deleted;

  @WorkflowInit
  public InstanceWorkflowImpl(InstanceRecord initial) {
    this.record = initial;
    this.onHost = new InstanceOnHost(record, placement, hostRecords);
    this.actions = new InstanceActions(record, hostRecords);
    this.moves = new MoveStart(record);
  }

  @Override
  public void run(InstanceRecord initial) {
    if (record.vmState == VmState.BUILDING && !onHost.spawn()) {
      deleted = true; // the build was refused: nothing was created
    }
    while (true) {
      Entities.awaitShowing(
          Entities.RECONCILE_EVERY,
          () -> EntityDetails.instance(record),
          () -> deleted || Entities.historyTooLong());
      if (deleted) {
        Workflow.await(Workflow::isEveryHandlerFinished);
        return;
      }
      if (Entities.historyTooLong()) {
        Entities.continueAsNew(record);
        return;
      }
      releaseLockOfVanishedMove();
    }
  }

  /**
   * A move or action terminated by an operator cannot say it closed: Describe it and free the lock.
   */
  private void releaseLockOfVanishedMove() {
    if (record.currentActionId != null) {
      releaseLockOfVanishedAction();
      return;
    }
    if (!record.isBusy()) {
      return;
    }
    String moveWorkflowId = Names.moveWorkflowId(record.currentMoveId);
    List<String> gone;
    try {
      gone = inspection.closedOrMissing(List.of(moveWorkflowId));
    } catch (ActivityFailure e) {
      return; // try again next round
    }
    if (gone.contains(moveWorkflowId) && record.isBusy()) {
      record.lastError =
          "move " + record.currentMoveId + " closed without reporting (terminated?); state unknown";
      record.vmState = VmState.ERROR;
      record.taskState = TaskState.NONE;
      record.addMove(summary(record.currentMoveId, InstanceMoveStatus.CLOSED_UNREPORTED, null));
      clearLock();
    }
  }

  private void releaseLockOfVanishedAction() {
    String actionWorkflowId = Names.actionWorkflowId(record.currentActionId);
    try {
      if (inspection.closedOrMissing(List.of(actionWorkflowId)).contains(actionWorkflowId)
          && record.currentActionId != null) {
        actions.vanished();
      }
    } catch (ActivityFailure e) {
      // try again next round
    }
  }

  @Override
  public void validateStartAction(ActionRequest request) {
    validate(() -> ActionRules.check(record, request));
  }

  @Override
  public String startAction(ActionRequest request) {
    return actions.start(request);
  }

  @Override
  public void validateResetState(ResetStateRequest request) {
    validate(() -> ActionRules.checkReset(record, request));
  }

  @Override
  public InstanceRecord resetState(ResetStateRequest request) {
    actions.resetState(request);
    return record;
  }

  @Override
  public void actionClosed(ActionOutcome outcome) {
    actions.closed(outcome);
  }

  @Override
  public void validateStartMove(MoveRequest request) {
    validate(() -> MoveRules.check(record, request));
  }

  @Override
  public String startMove(MoveRequest request) {
    return moves.start(request);
  }

  @Override
  public void validateObserveGuest(GuestObservation report) {
    validate(() -> GuestSync.check(record, report));
  }

  @Override
  public String observeGuest(GuestObservation report) {
    String change = GuestSync.apply(record, report);
    Workflow.getLogger(InstanceWorkflowImpl.class).info("{}: {}", record.name, change);
    return change;
  }

  @Override
  public void moveProgress(MoveProgress progress) {
    if (!progress.moveId().equals(record.currentMoveId)) {
      return;
    }
    record.currentMoveStatus = progress.status();
    if (progress.vmState() != null) {
      record.vmState = progress.vmState();
    }
    if (progress.taskState() != null) {
      record.taskState = progress.taskState();
    }
    if (progress.powerState() != null) {
      record.powerState = progress.powerState();
    }
    if (progress.host() != null && record.resizedFromHost == null) {
      // once: a same-host resize changes only the flavor, and still says where it came from
      record.resizedFromHost = record.host;
      record.resizedFromFlavor = record.flavor;
      record.host = progress.host();
      if (progress.flavor() != null) {
        record.flavor = progress.flavor();
      }
    }
  }

  @Override
  public void moveClosed(MoveOutcome outcome) {
    boolean current = outcome.moveId().equals(record.currentMoveId);
    record.addMove(summary(outcome));
    if (!current) {
      return; // the lock was already released by the vanished-move check
    }
    if (outcome.host() != null) {
      record.host = outcome.host();
    }
    if (outcome.flavor() != null) {
      record.flavor = outcome.flavor();
    }
    if (outcome.domainXml() != null) {
      record.domainXml = outcome.domainXml();
    }
    record.epoch = Math.max(record.epoch, outcome.epoch());
    record.vmState = outcome.vmState();
    record.powerState = outcome.powerState();
    record.taskState = TaskState.NONE;
    record.lastError = outcome.error();
    record.note = outcome.note();
    String completedEarly = record.evacuationCompletedEarly;
    record.evacuationCompletedEarly = null;
    clearLock();
    if (outcome.moveId().equals(completedEarly)) {
      evacuationCompleted(completedEarly);
    }
  }

  /**
   * The evacuated instance's stale copy is gone from its old host (its agent destroyed it on
   * return): the evacuation's summary goes from {@code done} to {@code completed}, as Nova.
   */
  @Override
  public void evacuationCompleted(String moveId) {
    if (moveId == null) {
      return;
    }
    if (moveId.equals(record.currentMoveId)) {
      record.evacuationCompletedEarly = moveId; // the move has not closed yet
      return;
    }
    for (int i = 0; i < record.moves.size(); i++) {
      MoveSummary m = record.moves.get(i);
      if (m.moveId().equals(moveId)
          && m.type() == MoveType.EVACUATION
          && EvacuationStatus.DONE.is(m.status())) {
        record.moves.set(
            i,
            new MoveSummary(
                m.moveId(),
                m.type(),
                m.sourceHost(),
                m.destHost(),
                InstanceMoveStatus.COMPLETED.novaName(),
                m.startedAtMillis(),
                m.endedAtMillis()));
      }
    }
  }

  @Override
  public void validateDelete() {
    if (deleted || record.taskState == TaskState.DELETING) {
      throw Entities.rejectUpdate(ServerRefusals.deleted(record));
    }
    if (record.isBusy()) {
      throw Entities.rejectUpdate(ServerRefusals.busy(record));
    }
    if (record.vmState == VmState.BUILDING) {
      throw Entities.rejectUpdate(ServerRefusals.stillBuilding(record));
    }
  }

  @Override
  public InstanceRecord delete() {
    record.taskState = TaskState.DELETING;
    onHost.remove();
    try {
      placement.forgetInstance(record.id);
    } catch (ActivityFailure e) {
      // Placement's reconcile releases the claims of instances whose workflow has closed.
      Workflow.getLogger(InstanceWorkflowImpl.class)
          .warn("placement not told of the delete of {}: {}", record.id, e.toString());
    }
    record.vmState = VmState.DELETED;
    record.powerState = PowerState.NOSTATE;
    record.taskState = TaskState.NONE;
    deleted = true;
    return record;
  }

  /**
   * Runs an update's {@code check} on a live record: a deleted instance refuses everything, and a
   * refusal goes out with its typed reason.
   */
  private void validate(Runnable check) {
    try {
      if (deleted || record.taskState == TaskState.DELETING) {
        throw ServerRefusals.deleted(record);
      }
      check.run();
    } catch (FerryRejection r) {
      throw Entities.rejectUpdate(r);
    }
  }

  @Override
  public InstanceRecord get() {
    return record;
  }

  /** The host the instance lived on before its current move took it elsewhere. */
  private String homeHost() {
    return record.resizedFromHost != null ? record.resizedFromHost : record.host;
  }

  private void clearLock() {
    MoveStart.clearLock(record);
  }

  private MoveSummary summary(String moveId, NovaStatus status, String destHost) {
    return new MoveSummary(
        moveId,
        record.currentMoveType,
        homeHost(),
        destHost,
        status.novaName(),
        record.currentMoveStartedAtMillis,
        Workflow.currentTimeMillis());
  }

  /**
   * Which move, where it went from and to, as it says; an outcome that does not say (older moves)
   * is read as before: the current move's type and start, from the record's host to where the
   * instance ended.
   */
  private MoveSummary summary(MoveOutcome outcome) {
    boolean saysWhere = outcome.sourceHost() != null;
    return new MoveSummary(
        outcome.moveId(),
        outcome.type() != null ? outcome.type() : record.currentMoveType,
        saysWhere ? outcome.sourceHost() : homeHost(),
        saysWhere ? outcome.destHost() : outcome.host(),
        outcome.status(),
        outcome.startedAtMillis() != null
            ? outcome.startedAtMillis()
            : record.currentMoveStartedAtMillis,
        Workflow.currentTimeMillis());
  }
}
