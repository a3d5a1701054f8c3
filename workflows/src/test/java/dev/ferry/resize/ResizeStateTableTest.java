package dev.ferry.resize;

import static dev.ferry.resize.ResizeEvent.*;
import static dev.ferry.resize.ResizeStatus.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;
import dev.ferry.statemachine.IllegalTransitionException;
import dev.ferry.statemachine.StateMachine;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResizeStateTableTest {

  private final StateMachine<ResizeStatus, ResizeEvent> machine =
      new StateMachine<>(ResizeStateTable.TABLE, () -> 42L);

  @Test
  void illegalTransitionThrowsAndLeavesTheStateAlone() {
    IllegalTransitionException e =
        assertThrows(IllegalTransitionException.class, () -> machine.fire(CONFIRM, "alice"));
    assertTrue(e.getMessage().contains("PRE_MIGRATING"), e.getMessage());
    assertEquals(PRE_MIGRATING, machine.state());
    assertEquals(1, machine.log().size());
  }

  @Test
  void finishedAcceptsOnlyADecision() {
    machine.fire(PREPARED, "ferry");
    machine.fire(MIGRATED, "ferry");
    machine.fire(FINISHED_AT_DEST, "ferry");
    assertEquals(List.of(CONFIRM, REVERT), ResizeStateTable.TABLE.eventsFrom(FINISHED));
    // Nothing can fail out of VERIFY_RESIZE itself: only confirming / reverting can.
    assertThrows(IllegalTransitionException.class, () -> machine.fire(FAILED, "ferry"));
    assertThrows(IllegalTransitionException.class, () -> machine.fire(CONFIRM_DONE, "ferry"));
    machine.fire(REVERT, "bob");
    assertThrows(IllegalTransitionException.class, () -> machine.fire(CONFIRM, "alice"));
    machine.fire(REVERT_DONE, "ferry");
    assertTrue(machine.isFinal());
    assertEquals("bob", machine.log().get(4).actor());
  }

  @Test
  void finalStatusesHaveNoWayOut() {
    for (ResizeStatus f : ResizeStateTable.TABLE.finals()) {
      assertTrue(ResizeStateTable.TABLE.eventsFrom(f).isEmpty(), f.name());
    }
    assertEquals(
        EnumSet.of(CONFIRMED, REVERTED, CANCELLED, ERROR), ResizeStateTable.TABLE.finals());
  }

  @Test
  void everyWorkingStatusButFinishedCanFail() {
    for (ResizeStatus s : ResizeStatus.values()) {
      boolean fails = ResizeStateTable.TABLE.next(s, FAILED).isPresent();
      boolean expected =
          !ResizeStateTable.TABLE.isFinal(s) && s != FINISHED; // FINISHED waits, touches nothing
      assertEquals(expected, fails, s.name());
    }
  }

  @Test
  void onlyTheStepsBeforeVerifyResizeCanBeCancelled() {
    for (ResizeStatus s : ResizeStatus.values()) {
      boolean cancels = ResizeStateTable.TABLE.next(s, CANCEL).isPresent();
      // FINISHED: a cancel is a REVERT; confirming and reverting are finished, not interrupted.
      boolean expected = EnumSet.of(PRE_MIGRATING, MIGRATING, POST_MIGRATING).contains(s);
      assertEquals(expected, cancels, s.name());
      if (cancels) {
        assertEquals(CANCELLED, ResizeStateTable.TABLE.next(s, CANCEL).orElseThrow());
      }
    }
    assertEquals("cancelled", CANCELLED.novaName());
    assertEquals(TaskState.NONE, ResizeTaskStates.taskState(CANCELLED));
  }

  @Test
  void novaNamesAndTaskStates() {
    assertEquals("pre-migrating", PRE_MIGRATING.novaName());
    assertEquals("post-migrating", POST_MIGRATING.novaName());
    assertEquals(TaskState.RESIZE_PREP, ResizeTaskStates.taskState(PRE_MIGRATING));
    assertEquals(TaskState.RESIZE_MIGRATING, ResizeTaskStates.taskState(MIGRATING));
    assertEquals(TaskState.RESIZE_MIGRATED, ResizeTaskStates.taskState(POST_MIGRATING));
    assertEquals(TaskState.NONE, ResizeTaskStates.taskState(FINISHED));
    assertEquals(TaskState.RESIZE_CONFIRMING, ResizeTaskStates.taskState(CONFIRMING));
    assertEquals(TaskState.RESIZE_REVERTING, ResizeTaskStates.taskState(REVERTING));
    assertEquals(VmState.RESIZED, ResizeTaskStates.vmState(FINISHED, VmState.STOPPED));
    assertEquals(VmState.STOPPED, ResizeTaskStates.vmState(MIGRATING, VmState.STOPPED));
    assertFalse(ResizeStateTable.TABLE.isFinal(FINISHED));
  }
}
