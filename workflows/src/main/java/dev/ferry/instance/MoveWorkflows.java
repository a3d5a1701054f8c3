package dev.ferry.instance;

import dev.ferry.evacuate.EvacuationStatus;
import dev.ferry.evacuate.EvacuationWorkflow;
import dev.ferry.live.LiveMigrationStatus;
import dev.ferry.live.LiveMigrationWorkflow;
import dev.ferry.model.MoveType;
import dev.ferry.model.NovaStatus;
import dev.ferry.move.MoveInput;
import dev.ferry.move.MoveView;
import dev.ferry.resize.ResizeStatus;
import dev.ferry.resize.ResizeWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.function.Function;

/**
 * The workflow that carries out each kind of move (a cold migration is a resize without a new
 * flavor) and the statuses it reports. A move's workflow type is its interface's name: {@code
 * ResizeWorkflow}, {@code LiveMigrationWorkflow}, {@code EvacuationWorkflow}.
 */
public final class MoveWorkflows {

  private MoveWorkflows() {}

  /**
   * Starts the workflow of a move of {@code type} as a child with {@code options} (command: one
   * child workflow start); the promise is kept once the child has started, or broken when it could
   * not start.
   */
  static Promise<WorkflowExecution> start(
      MoveType type, ChildWorkflowOptions options, MoveInput input) {
    return switch (type) {
      case COLD_MIGRATION, RESIZE -> start(ResizeWorkflow.class, w -> w::run, options, input);
      case LIVE_MIGRATION -> start(LiveMigrationWorkflow.class, w -> w::run, options, input);
      case EVACUATION -> start(EvacuationWorkflow.class, w -> w::run, options, input);
    };
  }

  /** The statuses a move of {@code type} reports, in its lifecycle's order. */
  public static List<NovaStatus> statuses(MoveType type) {
    NovaStatus[] statuses =
        switch (type) {
          case COLD_MIGRATION, RESIZE -> ResizeStatus.values();
          case LIVE_MIGRATION -> LiveMigrationStatus.values();
          case EVACUATION -> EvacuationStatus.values();
        };
    return List.of(statuses);
  }

  private static <W> Promise<WorkflowExecution> start(
      Class<W> workflow,
      Function<W, Functions.Func1<MoveInput, MoveView>> run,
      ChildWorkflowOptions options,
      MoveInput input) {
    W child = Workflow.newChildWorkflowStub(workflow, options);
    Async.function(run.apply(child), input);
    return Workflow.getWorkflowExecution(child);
  }
}
