package dev.ferry.replay;

import static dev.ferry.replay.ReplayChecks.assertBreaksReplay;
import static dev.ferry.replay.ReplayChecks.hasUpdate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.replay.ReplayGuardTest.EvacuationWithUnversionedTimer;
import dev.ferry.replay.ReplayGuardTest.HostDrainWithUnversionedTimer;
import dev.ferry.replay.ReplayGuardTest.HostEvacuationWithUnversionedTimer;
import dev.ferry.replay.ReplayGuardTest.HostWithUnversionedTimer;
import dev.ferry.replay.ReplayGuardTest.InstanceWithExtraActivity;
import dev.ferry.replay.ReplayGuardTest.LiveMigrationWithActivityInAbort;
import dev.ferry.replay.ReplayGuardTest.LiveMigrationWithUnversionedTimer;
import dev.ferry.replay.ReplayGuardTest.ResizeWithActivityInConfirm;
import dev.ferry.replay.ReplayGuardTest.ResizeWithUnversionedTimer;
import dev.ferry.replay.ReplayGuardTest.ResizeWithVersionedTimer;
import dev.ferry.replay.ReplayGuardTest.ServerActionWithUnversionedTimer;
import dev.ferry.testing.UnitCorpus;
import dev.ferry.testing.UnitCorpus.Row;
import io.temporal.common.WorkflowExecutionHistory;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * UnitCorpusReplayTest can fail: the changed TEST-ONLY workflows of {@link ReplayGuardTest} (an
 * unversioned timer or activity) fail replay of the unit histories as they fail the recorded ones;
 * a change in one handler fails exactly the unit histories whose test went through it; the same
 * timer behind {@code Workflow.getVersion} replays them all.
 */
class UnitCorpusGuardTest {

  private static final UnitReplayer REPLAYER = new UnitReplayer();

  @AfterAll
  static void closeReplayer() {
    REPLAYER.close();
  }

  @Test
  void anUnversionedStepAtTheStartFailsEveryUnitHistoryOfItsWorkflowType() {
    Map<String, Class<?>> changed =
        Map.of(
            "ResizeWorkflow", ResizeWithUnversionedTimer.class,
            "LiveMigrationWorkflow", LiveMigrationWithUnversionedTimer.class,
            "EvacuationWorkflow", EvacuationWithUnversionedTimer.class,
            "HostEvacuationWorkflow", HostEvacuationWithUnversionedTimer.class,
            "HostDrainWorkflow", HostDrainWithUnversionedTimer.class,
            "InstanceWorkflow", InstanceWithExtraActivity.class,
            "ServerActionWorkflow", ServerActionWithUnversionedTimer.class,
            "HostWorkflow", HostWithUnversionedTimer.class);
    assertEquals(
        changed.keySet(),
        UnitCorpus.rows().stream().map(Row::type).collect(Collectors.toSet()),
        "the workflow types of the unit corpus");
    for (var e : changed.entrySet()) {
      List<Row> rows = ofType(e.getKey());
      for (Row row : rows) {
        assertBreaksReplay(row.path(), e.getValue(), REPLAYER.replay(row.history(), e.getValue()));
      }
    }
  }

  @Test
  void theSameTimerBehindGetVersionReplaysEveryResizeUnitHistory() {
    for (Row row : ofType("ResizeWorkflow")) {
      Exception failure = REPLAYER.replay(row.history(), ResizeWithVersionedTimer.class);
      assertNull(failure, () -> row.path() + " should replay: " + failure);
    }
  }

  /** Only the tests that confirmed by the operator's Update catch an activity in that handler. */
  @Test
  void anActivityInTheConfirmHandlerFailsExactlyTheUnitHistoriesConfirmedByUpdate() {
    assertSelective(ofType("ResizeWorkflow"), "confirm", ResizeWithActivityInConfirm.class);
  }

  /** Only the tests that aborted a live migration catch an activity in the abort handler. */
  @Test
  void anActivityInTheAbortHandlerFailsExactlyTheAbortedLiveMigrationUnitHistories() {
    assertSelective(
        ofType("LiveMigrationWorkflow"), "abort", LiveMigrationWithActivityInAbort.class);
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static void assertSelective(List<Row> rows, String update, Class<?> changed) {
    assertTrue(
        rows.stream().anyMatch(r -> hasUpdate(r.history(), update)),
        "no unit history with an accepted '" + update + "' Update");
    assertTrue(
        rows.stream().anyMatch(r -> !hasUpdate(r.history(), update)),
        "no unit history without a '" + update + "' Update");
    for (Row row : rows) {
      WorkflowExecutionHistory history = row.history();
      Exception failure = REPLAYER.replay(history, changed);
      if (hasUpdate(history, update)) {
        assertBreaksReplay(row.path(), changed, failure);
      } else {
        assertNull(failure, () -> row.path() + " should replay: " + failure);
      }
    }
  }

  private static List<Row> ofType(String type) {
    List<Row> rows = UnitCorpus.rows().stream().filter(r -> r.type().equals(type)).toList();
    assertFalse(rows.isEmpty(), "the unit corpus has no " + type + " history");
    return rows;
  }
}
