package dev.ferry.client;

import static dev.ferry.client.ClientContext.seconds;
import static dev.ferry.client.ClientContext.unknownInstance;
import static dev.ferry.client.Inputs.busyWith;
import static dev.ferry.client.Inputs.label;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.model.VmState;
import dev.ferry.move.MoveView;
import dev.ferry.resize.ResizeStatus;
import dev.ferry.resize.ResizeWorkflow;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Confirming or reverting a resize (or cold migration) that waits in VERIFY_RESIZE, and waiting
 * until the server's record has let go of it: what {@code resize-confirm}, {@code resize-revert}
 * and the delete of a server in VERIFY_RESIZE share.
 */
final class ResizeDecisions {
  private final ClientContext ctx;

  ResizeDecisions(ClientContext ctx) {
    this.ctx = ctx;
  }

  /** The server waits in VERIFY_RESIZE for a confirm or revert (as its record says). */
  static boolean inVerifyResize(InstanceRecord record) {
    return record.currentMoveId != null
        && (record.currentMoveType == MoveType.RESIZE
            || record.currentMoveType == MoveType.COLD_MIGRATION)
        && record.vmState == VmState.RESIZED
        && ResizeStatus.FINISHED.novaName().equals(record.currentMoveStatus);
  }

  /**
   * Confirms or reverts the server's resize and answers once that is carried out (the move's Update
   * waits for it), within {@code deadline} or the slow-update deadline if that is longer.
   *
   * @throws FerryRejection NOTHING_PENDING when nothing waits for a decision
   */
  MoveView decide(InstanceRecord record, boolean confirm, Duration deadline) {
    String label = label(record);
    Supplier<FerryRejection> nothing =
        () ->
            new FerryRejection(
                Reason.NOTHING_PENDING, "server " + label + " has no resize awaiting confirmation");
    if (record.currentMoveId == null) {
      throw nothing.get();
    }
    if (record.currentMoveType != null
        && record.currentMoveType != MoveType.RESIZE
        && record.currentMoveType != MoveType.COLD_MIGRATION) {
      throw new FerryRejection(
          Reason.NOTHING_PENDING,
          "server " + label + " has no resize awaiting confirmation (" + busyWith(record) + ")");
    }
    ResizeWorkflow stub =
        ctx.client.newWorkflowStub(
            ResizeWorkflow.class, Names.moveWorkflowId(record.currentMoveId));
    return ctx.call(
        (confirm ? "confirm" : "revert") + " the resize of server " + label,
        () -> confirm ? stub.confirm(ctx.user) : stub.revert(ctx.user),
        nothing,
        deadline == null || deadline.compareTo(ClientContext.SLOW_UPDATE_TIMEOUT) < 0
            ? ClientContext.SLOW_UPDATE_TIMEOUT
            : deadline);
  }

  /**
   * Polls the server's record until it no longer holds move {@code moveId} (the move told the
   * server it closed); returns that record.
   *
   * @throws WaitTimedOut when it still holds it after {@code wait}
   */
  InstanceRecord awaitReleased(InstanceRecord record, String moveId, Duration wait) {
    String label = label(record);
    return Polling.every(ClientContext.POLL)
        .until(
            Polling.watch(
                () ->
                    ctx.call(
                        "query server " + label,
                        () -> ctx.instanceStub(record.id).get(),
                        () -> unknownInstance(label)),
                now -> !moveId.equals(now.currentMoveId),
                (now, timeout) ->
                    new WaitTimedOut(
                        "server "
                            + label
                            + " still holds move "
                            + moveId
                            + " ("
                            + now.currentMoveStatus
                            + ") after "
                            + seconds(timeout)
                            + "; it goes on: follow it with 'ferry migration show "
                            + moveId
                            + "'")),
            wait);
  }
}
