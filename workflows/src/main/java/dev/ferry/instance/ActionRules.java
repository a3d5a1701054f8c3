package dev.ferry.instance;

import dev.ferry.model.ActionRequest;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.ResetStateRequest;
import dev.ferry.model.ServerAction;
import dev.ferry.model.VmState;

/**
 * Which server actions an instance accepts in which state (Nova's {@code check_instance_state}),
 * decided from the record alone; whether its host is up is the handler's question.
 */
public final class ActionRules {

  private ActionRules() {}

  /**
   * The action already answering {@code request} (a retried request), or null: the same action id
   * running or in the history.
   */
  public static String existingAction(InstanceRecord record, ActionRequest request) {
    if (request == null || request.actionId() == null) {
      return null;
    }
    if (request.actionId().equals(record.currentActionId)) {
      return record.currentActionId;
    }
    boolean done =
        record.actions != null
            && record.actions.stream().anyMatch(a -> request.actionId().equals(a.actionId()));
    return done ? request.actionId() : null;
  }

  /** Throws the rejection that says why {@code record}'s state cannot be reset as asked. */
  public static void checkReset(InstanceRecord record, ResetStateRequest request) {
    if (request == null || request.actionId() == null) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "a reset needs an action id");
    }
    if (request.state() != VmState.ACTIVE && request.state() != VmState.ERROR) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT, "a server's state can be reset to ACTIVE or ERROR only");
    }
    if (!record.id.equals(request.instanceId())) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT,
          "reset " + request.actionId() + " is for server " + request.instanceId());
    }
    if (record.isBusy()) {
      throw ServerRefusals.busy(record);
    }
    if (!ServerAction.RESET_STATE.allowedFrom().contains(record.vmState)) {
      throw ServerRefusals.wrongState(
          record,
          "a state reset",
          ServerAction.RESET_STATE.allowedFrom(),
          ServerRefusals.wayOutForAction(record, ServerAction.RESET_STATE));
    }
  }

  /** Throws the rejection that says why {@code record} cannot start {@code request} now. */
  public static void check(InstanceRecord record, ActionRequest request) {
    if (request == null || request.actionId() == null || request.action() == null) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "an action needs an action id and a kind");
    }
    if (!record.id.equals(request.instanceId())) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT,
          "action " + request.actionId() + " is for server " + request.instanceId());
    }
    if (existingAction(record, request) != null) {
      return; // startAction answers with that action: idempotent
    }
    if (record.isBusy()) {
      throw ServerRefusals.busy(record);
    }
    if (request.action() == ServerAction.RESET_STATE) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT, "a state reset is no action to start: use resetState");
    }
    if (!request.action().allowedFrom().contains(record.vmState)) {
      ServerAction action = request.action();
      if (action.leaves() != null && action.leaves().vmState() == record.vmState) {
        throw new FerryRejection(
            Reason.INVALID_STATE,
            "server " + record.name + " is already " + record.vmState + ": nothing to do");
      }
      throw ServerRefusals.wrongState(
          record,
          action.novaName(),
          action.allowedFrom(),
          ServerRefusals.wayOutForAction(record, action));
    }
  }
}
