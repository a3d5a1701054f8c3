package dev.ferry.replay;

import static dev.ferry.replay.ReplayChecks.assertReplayFailed;
import static dev.ferry.replay.ReplayChecks.hasUpdate;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.action.ActionInput;
import dev.ferry.action.ServerActionWorkflowImpl;
import dev.ferry.evacuate.EvacuationWorkflowImpl;
import dev.ferry.evacuate.HostDrainWorkflowImpl;
import dev.ferry.evacuate.HostEvacuationWorkflowImpl;
import dev.ferry.evacuate.HostMovesInput;
import dev.ferry.evacuate.HostMovesView;
import dev.ferry.host.HostWorkflowImpl;
import dev.ferry.instance.InstanceWorkflowImpl;
import dev.ferry.live.LiveMigrationView;
import dev.ferry.live.LiveMigrationWorkflowImpl;
import dev.ferry.model.ActionOutcome;
import dev.ferry.model.HostRecord;
import dev.ferry.model.InstanceRecord;
import dev.ferry.move.ConductorCalls;
import dev.ferry.move.MoveInput;
import dev.ferry.move.MoveView;
import dev.ferry.placement.PlacementState;
import dev.ferry.placement.PlacementWorkflowImpl;
import dev.ferry.replay.Corpus.Entry;
import dev.ferry.resize.ResizeWorkflowImpl;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.ReplayResults;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The corpus catches what it must: TEST-ONLY variants of today's workflows, each with one step a
 * careless change could add, fail replay of the recorded histories with a {@code
 * NonDeterministicException}; the same step behind {@code Workflow.getVersion} replays cleanly.
 */
class ReplayGuardTest {

  // ---- the changed workflows (test-only; registered under the same workflow types)
  // ---------------

  /** A timer added before the first step of every resize, unguarded. */
  public static class ResizeWithUnversionedTimer extends ResizeWorkflowImpl {
    @Override
    public MoveView run(MoveInput input) {
      Workflow.sleep(Duration.ofSeconds(1));
      return super.run(input);
    }
  }

  /** The same timer, the right way: only new executions take it. */
  public static class ResizeWithVersionedTimer extends ResizeWorkflowImpl {
    @Override
    public MoveView run(MoveInput input) {
      if (Workflow.getVersion("settle-before-claim", Workflow.DEFAULT_VERSION, 1) >= 1) {
        Workflow.sleep(Duration.ofSeconds(1));
      }
      return super.run(input);
    }
  }

  /** An activity added to the confirm Update handler: only operator confirmations run it. */
  public static class ResizeWithActivityInConfirm extends ResizeWorkflowImpl {
    @Override
    public MoveView confirm(String actor) {
      ConductorCalls.placement().settings();
      return super.confirm(actor);
    }
  }

  /** An activity added at the start of an entity's run, unguarded. */
  public static class HostWithExtraActivity extends HostWorkflowImpl {
    @WorkflowInit
    public HostWithExtraActivity(HostRecord initial) {
      super(initial);
    }

    @Override
    public void run(HostRecord initial) {
      ConductorCalls.inspection().closedOrMissing(List.of());
      super.run(initial);
    }
  }

  public static class InstanceWithExtraActivity extends InstanceWorkflowImpl {
    @WorkflowInit
    public InstanceWithExtraActivity(InstanceRecord initial) {
      super(initial);
    }

    @Override
    public void run(InstanceRecord initial) {
      ConductorCalls.inspection().closedOrMissing(List.of());
      super.run(initial);
    }
  }

  public static class PlacementWithExtraActivity extends PlacementWorkflowImpl {
    @WorkflowInit
    public PlacementWithExtraActivity(PlacementState initial) {
      super(initial);
    }

    @Override
    public void run(PlacementState initial) {
      ConductorCalls.inspection().closedOrMissing(List.of());
      super.run(initial);
    }
  }

  /** A timer before the first step of every live migration, unguarded. */
  public static class LiveMigrationWithUnversionedTimer extends LiveMigrationWorkflowImpl {
    @Override
    public MoveView run(MoveInput input) {
      Workflow.sleep(Duration.ofSeconds(1));
      return super.run(input);
    }
  }

  /** An activity added to the abort Update handler: only aborted live migrations run it. */
  public static class LiveMigrationWithActivityInAbort extends LiveMigrationWorkflowImpl {
    @Override
    public LiveMigrationView abort(String actor) {
      ConductorCalls.placement().settings();
      return super.abort(actor);
    }
  }

  public static class EvacuationWithUnversionedTimer extends EvacuationWorkflowImpl {
    @Override
    public MoveView run(MoveInput input) {
      Workflow.sleep(Duration.ofSeconds(1));
      return super.run(input);
    }
  }

  public static class HostEvacuationWithUnversionedTimer extends HostEvacuationWorkflowImpl {
    @Override
    public HostMovesView run(HostMovesInput input) {
      Workflow.sleep(Duration.ofSeconds(1));
      return super.run(input);
    }
  }

  public static class HostDrainWithUnversionedTimer extends HostDrainWorkflowImpl {
    @Override
    public HostMovesView run(HostMovesInput input) {
      Workflow.sleep(Duration.ofSeconds(1));
      return super.run(input);
    }
  }

  public static class HostWithUnversionedTimer extends HostWorkflowImpl {
    @WorkflowInit
    public HostWithUnversionedTimer(HostRecord initial) {
      super(initial);
    }

    @Override
    public void run(HostRecord initial) {
      Workflow.sleep(Duration.ofSeconds(1));
      super.run(initial);
    }
  }

  public static class ServerActionWithUnversionedTimer extends ServerActionWorkflowImpl {
    @Override
    public ActionOutcome run(ActionInput input) {
      Workflow.sleep(Duration.ofSeconds(1));
      return super.run(input);
    }
  }

  // ---- the proofs
  // ---------------------------------------------------------------------------------

  @Test
  void anUnversionedTimerInResizeFailsEveryResizeHistory() {
    List<Entry> resizes = Corpus.ofType("ResizeWorkflow");
    assertFalse(resizes.isEmpty(), "the corpus has no ResizeWorkflow history");
    assertEveryReplayIsNonDeterministic(resizes, ResizeWithUnversionedTimer.class);
    // The single-history API throws: this is how ReplayCorpusTest fails.
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                WorkflowReplayer.replayWorkflowExecution(
                    resizes.get(0).history(), ResizeWithUnversionedTimer.class));
    assertTrue(e.getMessage().contains("NonDeterministicException"), e::getMessage);
  }

  @Test
  void theSameTimerBehindGetVersionReplaysEveryResizeHistory() throws Exception {
    ReplayResults results =
        WorkflowReplayer.replayWorkflowExecutions(
            histories(Corpus.ofType("ResizeWorkflow")), false, ResizeWithVersionedTimer.class);
    assertFalse(results.hadAnyError(), () -> describe(results));
  }

  /**
   * A change on one path is caught only by the histories that took that path: an activity in the
   * confirm handler fails the histories confirmed by the operator's Update and no others (not the
   * auto-confirmed one). Hence one history per path in the corpus.
   */
  @Test
  void anActivityInTheConfirmHandlerFailsExactlyTheHistoriesConfirmedByUpdate() {
    List<Entry> resizes = Corpus.ofType("ResizeWorkflow");
    assertTrue(
        resizes.stream().anyMatch(e -> confirmedByUpdate(e.history())),
        "the corpus has no resize confirmed by the operator");
    for (Entry entry : resizes) {
      Exception failure = replay(entry, ResizeWithActivityInConfirm.class);
      if (confirmedByUpdate(entry.history())) {
        assertNonDeterministic(entry, ResizeWithActivityInConfirm.class, failure);
      } else {
        assertNull(failure, () -> entry.file() + " should replay: " + failure);
      }
    }
  }

  @Test
  void anUnversionedActivityInAnEntityFailsItsOpenHistories() {
    assertEveryReplayIsNonDeterministic(Corpus.ofType("HostWorkflow"), HostWithExtraActivity.class);
    assertEveryReplayIsNonDeterministic(
        Corpus.ofType("InstanceWorkflow"), InstanceWithExtraActivity.class);
    assertEveryReplayIsNonDeterministic(
        Corpus.ofType("PlacementWorkflow"), PlacementWithExtraActivity.class);
  }

  /** The histories recorded on the test bed guard their workflows as the resizes guard theirs. */
  @Test
  void anUnversionedTimerFailsEveryLiveMigrationEvacuationAndHostMovesHistory() {
    assertEveryReplayIsNonDeterministic(
        Corpus.ofType("LiveMigrationWorkflow"), LiveMigrationWithUnversionedTimer.class);
    assertEveryReplayIsNonDeterministic(
        Corpus.ofType("EvacuationWorkflow"), EvacuationWithUnversionedTimer.class);
    assertEveryReplayIsNonDeterministic(
        Corpus.ofType("HostEvacuationWorkflow"), HostEvacuationWithUnversionedTimer.class);
    assertEveryReplayIsNonDeterministic(
        Corpus.ofType("HostDrainWorkflow"), HostDrainWithUnversionedTimer.class);
  }

  /**
   * An activity in the abort handler fails the live migrations the operator aborted (in every
   * phase) and no other: completed, force-completed and failed ones replay.
   */
  @Test
  void anActivityInTheAbortHandlerFailsExactlyTheAbortedLiveMigrations() {
    List<Entry> lives = Corpus.ofType("LiveMigrationWorkflow");
    assertTrue(
        lives.stream().anyMatch(e -> hasUpdate(e.history(), "abort")),
        "the corpus has no aborted live migration");
    assertTrue(
        lives.stream().anyMatch(e -> !hasUpdate(e.history(), "abort")),
        "the corpus has no live migration without an abort");
    for (Entry entry : lives) {
      Exception failure = replay(entry, LiveMigrationWithActivityInAbort.class);
      if (hasUpdate(entry.history(), "abort")) {
        assertBreaksReplay(entry, LiveMigrationWithActivityInAbort.class, failure);
      } else {
        assertNull(failure, () -> entry.file() + " should replay: " + failure);
      }
    }
  }

  // ---- helpers
  // ------------------------------------------------------------------------------------

  private static void assertEveryReplayIsNonDeterministic(List<Entry> entries, Class<?> changed) {
    assertFalse(entries.isEmpty(), "no history to replay " + changed.getSimpleName() + " against");
    for (Entry entry : entries) {
      assertNonDeterministic(entry, changed, replay(entry, changed));
    }
  }

  /** Replays one history (one at a time: a continued entity's runs share a workflow id). */
  private static Exception replay(Entry entry, Class<?> implementation) {
    try {
      WorkflowReplayer.replayWorkflowExecution(entry.history(), implementation);
      return null;
    } catch (Exception e) {
      return e;
    }
  }

  private static void assertNonDeterministic(Entry entry, Class<?> changed, Exception failure) {
    assertReplayFailed(entry.file(), changed, failure);
    assertTrue(
        String.valueOf(failure.getMessage()).contains("NonDeterministicException"),
        () -> entry.file() + " failed, but not as non-deterministic: " + failure);
    System.out.println(
        "guard: " + changed.getSimpleName() + " x " + entry.file() + " -> " + firstLine(failure));
  }

  /** Breaks replay ({@link ReplayChecks#assertBreaksReplay}), and says how. */
  private static void assertBreaksReplay(Entry entry, Class<?> changed, Exception failure) {
    ReplayChecks.assertBreaksReplay(entry.file(), changed, failure);
    System.out.println(
        "guard: " + changed.getSimpleName() + " x " + entry.file() + " -> " + firstLine(failure));
  }

  private static String firstLine(Exception failure) {
    String message = String.valueOf(failure.getMessage());
    int at = message.indexOf("NonDeterministicException");
    return (at < 0 ? message : message.substring(at)).lines().findFirst().orElse(message);
  }

  /** The history holds an accepted {@code confirm} Update (the operator's `resize-confirm`). */
  private static boolean confirmedByUpdate(WorkflowExecutionHistory history) {
    return hasUpdate(history, "confirm");
  }

  private static List<WorkflowExecutionHistory> histories(List<Entry> entries) {
    return entries.stream().map(Entry::history).toList();
  }

  private static String describe(ReplayResults results) {
    return results.allErrors().stream()
        .map(err -> err.workflowId + ": " + firstLine(err.exception))
        .collect(Collectors.joining("\n"));
  }
}
