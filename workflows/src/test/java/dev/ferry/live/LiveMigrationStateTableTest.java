package dev.ferry.live;

import static dev.ferry.live.LiveMigrationEvent.*;
import static dev.ferry.live.LiveMigrationStatus.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.BlockMigration;
import dev.ferry.model.LiveMigrationOptions;
import dev.ferry.model.TimeoutAction;
import dev.ferry.statemachine.IllegalTransitionException;
import dev.ferry.statemachine.StateMachine;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveMigrationStateTableTest {

  private final StateMachine<LiveMigrationStatus, LiveMigrationEvent> machine =
      new StateMachine<>(LiveMigrationStateTable.TABLE, () -> 7L);

  @Test
  void theHappyPathAndItsNovaNames() {
    machine.fire(SLOT_GRANTED, "ferry");
    machine.fire(JOB_STARTED, "ferry");
    machine.fire(POST_COPY_STARTED, "alice");
    machine.fire(SWITCHED_OVER, "ferry");
    machine.fire(POST_DONE, "ferry");
    assertTrue(machine.isFinal());
    assertEquals(
        List.of(
            "queued", "preparing", "running", "running-post-copy", "post-migrating", "completed"),
        machine.log().stream().map(c -> LiveMigrationStatus.valueOf(c.to()).novaName()).toList());
  }

  @Test
  void postCopyIsThePointOfNoReturn() {
    machine.fire(SLOT_GRANTED, "ferry");
    machine.fire(JOB_STARTED, "ferry");
    machine.fire(POST_COPY_STARTED, "ferry");
    assertThrows(IllegalTransitionException.class, () -> machine.fire(ABORTED, "bob"));
    assertThrows(IllegalTransitionException.class, () -> machine.fire(ROLLED_BACK, "ferry"));
    assertEquals(
        List.of(SWITCHED_OVER, BROKEN),
        LiveMigrationStateTable.TABLE.eventsFrom(RUNNING_POST_COPY));
  }

  @Test
  void onlyAQueuedMoveIsRejectedAndNothingLeavesAFinalStatus() {
    for (LiveMigrationStatus s : LiveMigrationStatus.values()) {
      assertEquals(
          s == QUEUED, LiveMigrationStateTable.TABLE.next(s, REJECTED).isPresent(), s.name());
    }
    for (LiveMigrationStatus f : LiveMigrationStateTable.TABLE.finals()) {
      assertTrue(LiveMigrationStateTable.TABLE.eventsFrom(f).isEmpty(), f.name());
    }
    assertEquals(
        EnumSet.of(COMPLETED, LiveMigrationStatus.FAILED, CANCELLED, ERROR),
        LiveMigrationStateTable.TABLE.finals());
  }

  @Test
  void everyWorkingStatusCanEndInError() {
    for (LiveMigrationStatus s : LiveMigrationStatus.values()) {
      assertEquals(
          !LiveMigrationStateTable.TABLE.isFinal(s),
          LiveMigrationStateTable.TABLE.next(s, BROKEN).isPresent(),
          s.name());
    }
  }

  @Test
  void optionsResolveAgainstDefaultsAndSayWhatIsWrong() {
    LiveMigrationOptions request =
        new LiveMigrationOptions(
            BlockMigration.TRUE,
            40L,
            null,
            null,
            TimeoutAction.FORCE_COMPLETE,
            null,
            null,
            true,
            null,
            null);
    LiveMigrationOptions resolved = request.resolvedWith(LiveMigrationOptions.DEFAULTS);
    assertEquals(BlockMigration.TRUE, resolved.blockMigration());
    assertEquals(40L, resolved.bandwidthMiBs());
    assertEquals(500L, resolved.maxDowntimeMs());
    assertEquals(800L, resolved.completionTimeoutSecondsPerGiB());
    assertEquals(TimeoutAction.FORCE_COMPLETE, resolved.timeoutAction());
    assertEquals(true, resolved.permitPostCopy());
    assertEquals(false, resolved.permitAutoConverge());
    assertEquals(3, resolved.maxRetries());
    assertEquals(null, resolved.invalidReason());
    assertEquals(
        "the bandwidth cannot be negative",
        new LiveMigrationOptions(null, -1L, null, null, null, null, null, null, null, null)
            .invalidReason());
    assertEquals(BlockMigration.AUTO, BlockMigration.parse(null));
    assertEquals(BlockMigration.FALSE, BlockMigration.parse("False"));
    assertThrows(IllegalArgumentException.class, () -> BlockMigration.parse("maybe"));
  }
}
