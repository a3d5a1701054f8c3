package dev.ferry.instance;

import dev.ferry.model.ActionOutcome;
import dev.ferry.model.ActionRequest;
import dev.ferry.model.GuestObservation;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveOutcome;
import dev.ferry.model.MoveProgress;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.ResetStateRequest;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * {@code instance:<uuid>}: the instance record and its lock. A record in BUILDING is spawned on its
 * host first. Every move starts here, as a child that outlives this run.
 */
@WorkflowInterface
public interface InstanceWorkflow {

  @WorkflowMethod
  void run(InstanceRecord record);

  /** Starts a move as a child workflow; returns its workflow id. */
  @UpdateMethod
  String startMove(MoveRequest request);

  @UpdateValidatorMethod(updateName = "startMove")
  void validateStartMove(MoveRequest request);

  /**
   * Starts a server action (stop, start, pause, unpause, suspend, resume, reboot) as a child that
   * holds the instance's lock until it tells {@link #actionClosed}; returns its workflow id. A host
   * that is DOWN refuses it.
   */
  @UpdateMethod
  default String startAction(ActionRequest request) {
    throw new UnsupportedOperationException("startAction");
  }

  @UpdateValidatorMethod(updateName = "startAction")
  default void validateStartAction(ActionRequest request) {}

  /**
   * The operator sets the vm state to ACTIVE or ERROR (Nova's os-resetState), for what a reconcile
   * cannot decide; refused while a move or action holds the server. Returns the record.
   */
  @UpdateMethod
  default InstanceRecord resetState(ResetStateRequest request) {
    throw new UnsupportedOperationException("resetState");
  }

  @UpdateValidatorMethod(updateName = "resetState")
  default void validateResetState(ResetStateRequest request) {}

  /** The action's end: the guest state read after it, and its result. */
  @SignalMethod
  default void actionClosed(ActionOutcome outcome) {}

  /** Deletes the instance: its domain, its claim, its name. The workflow then completes. */
  @UpdateMethod
  InstanceRecord delete();

  @UpdateValidatorMethod(updateName = "delete")
  void validateDelete();

  /**
   * A host agent reports a guest's real state (a lifecycle event or its periodic pass). The
   * validator refuses a report the record does not take ({@link GuestSync}): a refused update
   * leaves no history, so unchanged and stale reports cost none. Returns what changed.
   */
  @UpdateMethod
  default String observeGuest(GuestObservation report) {
    throw new UnsupportedOperationException("observeGuest");
  }

  @UpdateValidatorMethod(updateName = "observeGuest")
  default void validateObserveGuest(GuestObservation report) {}

  @SignalMethod
  void moveProgress(MoveProgress progress);

  @SignalMethod
  void moveClosed(MoveOutcome outcome);

  /**
   * Sent by a host agent once it destroyed the stale copy an evacuation left on it: the evacuation
   * is recorded {@code completed}. A default so test doubles of this interface need not handle it.
   */
  @SignalMethod
  default void evacuationCompleted(String moveId) {}

  @QueryMethod
  InstanceRecord get();
}
