package dev.ferry.instance;

import static dev.ferry.instance.InstanceWorkflowTest.ID;
import static dev.ferry.instance.InstanceWorkflowTest.active;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveType;
import dev.ferry.model.ServerAction;
import dev.ferry.model.VmState;
import org.junit.jupiter.api.Test;

/** A busy server or one in the wrong state says, in its refusal, which command gets further. */
class ServerRefusalsTest {

  private static InstanceRecord holding(MoveType type, VmState state) {
    InstanceRecord r = active();
    r.vmState = state;
    r.currentMoveId = "m1";
    r.currentMoveType = type;
    return r;
  }

  private static FerryRejection refusedMove(InstanceRecord record, MoveType type) {
    MoveRequest request = new MoveRequest("m2", type, ID, null, null, null, "t");
    return assertThrows(FerryRejection.class, () -> MoveRules.check(record, request));
  }

  @Test
  void aServerBusyWithALiveMigrationPointsAtItsAbort() {
    FerryRejection r = ServerRefusals.busy(holding(MoveType.LIVE_MIGRATION, VmState.ACTIVE));
    assertEquals(Reason.INSTANCE_BUSY, r.reason());
    assertEquals(
        "server web-1 is busy with live migration m1; wait for it to end ('ferry migration show"
            + " web-1') or abort it ('ferry live-migration abort web-1')",
        r.getMessage());
  }

  @Test
  void aServerBusyWithAnEvacuationCanOnlyWaitForIt() {
    assertEquals(
        "server web-1 is busy with evacuation m1; wait for it to end ('ferry migration show"
            + " web-1')",
        ServerRefusals.busy(holding(MoveType.EVACUATION, VmState.ACTIVE)).getMessage());
  }

  @Test
  void aServerInVerifyResizeIsToBeConfirmedOrReverted() {
    assertEquals(
        "server web-1 is busy with cold migration m1, which waits for confirmation: confirm it"
            + " ('ferry resize-confirm web-1') or revert it ('ferry resize-revert web-1')",
        ServerRefusals.busy(holding(MoveType.COLD_MIGRATION, VmState.RESIZED)).getMessage());
  }

  @Test
  void aPausedServerIsToBeUnpausedBeforeAColdMigration() {
    InstanceRecord paused = active();
    paused.vmState = VmState.PAUSED;
    FerryRejection r = refusedMove(paused, MoveType.COLD_MIGRATION);
    assertEquals(Reason.INVALID_STATE, r.reason());
    assertEquals(
        "server web-1 is PAUSED; cold migration needs one of [ACTIVE, STOPPED]: unpause it first"
            + " ('ferry server unpause web-1')",
        r.getMessage());
  }

  @Test
  void aStoppedServerIsColdMigratedInsteadOfLiveMigrated() {
    InstanceRecord stopped = active();
    stopped.vmState = VmState.STOPPED;
    assertEquals(
        "server web-1 is STOPPED; live migration needs one of [ACTIVE, PAUSED]: cold-migrate it"
            + " instead ('ferry migrate web-1')",
        refusedMove(stopped, MoveType.LIVE_MIGRATION).getMessage());
  }

  @Test
  void aPausedServerOnAFailedHostIsSetToErrorBeforeItsEvacuation() {
    InstanceRecord paused = active();
    paused.vmState = VmState.PAUSED;
    assertEquals(
        "server web-1 is PAUSED; evacuation needs one of [ACTIVE, STOPPED, ERROR]: if its host has"
            + " failed, set its state to ERROR first ('ferry server reset-state web-1 --error')",
        refusedMove(paused, MoveType.EVACUATION).getMessage());
  }

  @Test
  void aServerInErrorIsReconciledFirst() {
    InstanceRecord broken = active();
    broken.vmState = VmState.ERROR;
    assertEquals(
        "if its guest is fine, repair its record first ('ferry server reconcile web-1')",
        ServerRefusals.wayOutForAction(broken, ServerAction.PAUSE));
  }

  @Test
  void aPausedServerIsUnpausedRatherThanStarted() {
    InstanceRecord paused = active();
    paused.vmState = VmState.PAUSED;
    assertEquals(
        "unpause it instead ('ferry server unpause web-1')",
        ServerRefusals.wayOutForAction(paused, ServerAction.START));
  }
}
