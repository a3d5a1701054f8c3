package dev.ferry.client;

import static dev.ferry.client.ClientContext.seconds;

import dev.ferry.evacuate.HostMovesView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowExecutionDescription;
import java.time.Duration;
import java.util.Optional;

/**
 * A host evacuation's or drain's workflow ({@code host-evacuation:<h>}, {@code host-drain:<h>}) as
 * the client sees it: its progress with the status its close gives it, and cancelling it.
 *
 * <p>A run's own {@code status} says {@code running} until its code ends it; a run cancelled (or
 * terminated) while it waits keeps saying so, and only the workflow's close tells. Cancelling is a
 * Temporal cancel of the run (never a terminate): it starts no further move, and the moves it
 * started, each its own workflow, go on. A cancel that lands as the run continues as new would be
 * lost with that run, so the next run is cancelled too until the workflow has ended.
 */
final class HostRuns {
  private final ClientContext ctx;

  HostRuns(ClientContext ctx) {
    this.ctx = ctx;
  }

  /** The run's progress; its status from the workflow's close when its code did not set one. */
  HostMovesView view(String workflowId) {
    HostMovesView view =
        ctx.call(
            "query " + workflowId,
            () ->
                ctx.client
                    .newUntypedWorkflowStub(workflowId)
                    .query("progress", HostMovesView.class),
            () -> neverRan(workflowId));
    if (HostRunStatus.ended(view)) {
      return view;
    }
    HostRunStatus closed = closedAs(describe(workflowId).getStatus());
    return closed == null ? view : withStatus(view, closed.wireName());
  }

  /**
   * Cancels the running run and answers once the workflow has ended, with its progress then.
   *
   * @throws FerryRejection NOTHING_PENDING when none runs (nothing changed)
   * @throws WaitTimedOut when it has not ended within {@code wait} (the cancel stands)
   */
  HostMovesView cancel(String workflowId, Duration wait) {
    WorkflowExecutionDescription d = describe(workflowId);
    if (d.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      throw new FerryRejection(
          Reason.NOTHING_PENDING,
          "no "
              + workflowId
              + " is running (the last one ended "
              + view(workflowId).status()
              + "): nothing to cancel");
    }
    long deadline = System.nanoTime() + wait.toNanos();
    String cancelledRun = null;
    while (d.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      String run = d.getExecution().getRunId();
      if (!run.equals(cancelledRun)) {
        try {
          ctx.call(
              "cancel " + workflowId,
              () -> {
                ctx.client
                    .newUntypedWorkflowStub(workflowId, Optional.of(run), Optional.empty())
                    .cancel();
                return null;
              },
              () -> neverRan(workflowId));
        } catch (FerryRejection | FerryFailure e) {
          d = describe(workflowId);
          if (d.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
              && d.getExecution().getRunId().equals(run)) {
            throw e;
          }
          continue; // it ended (or continued as new) meanwhile: look again
        }
        cancelledRun = run;
      }
      if (System.nanoTime() > deadline) {
        throw new WaitTimedOut(
            workflowId
                + " was asked to cancel and has not ended after "
                + seconds(wait)
                + "; it starts no further move once it does: see 'ferry host "
                + (workflowId.startsWith("host-drain:") ? "drain " : "evacuate ")
                + workflowId.substring(workflowId.indexOf(':') + 1)
                + " --show'");
      }
      ClientContext.sleep(ClientContext.POLL);
      d = describe(workflowId);
    }
    return view(workflowId);
  }

  private WorkflowExecutionDescription describe(String workflowId) {
    return ctx.call(
        "describe " + workflowId,
        () -> ctx.client.newUntypedWorkflowStub(workflowId).describe(),
        () -> neverRan(workflowId));
  }

  private static FerryRejection neverRan(String workflowId) {
    return new FerryRejection(Reason.UNKNOWN_INSTANCE, "no " + workflowId + " has run");
  }

  /** What a closed workflow whose code set no status ended as; null while it runs. */
  private static HostRunStatus closedAs(WorkflowExecutionStatus status) {
    return switch (status) {
      case WORKFLOW_EXECUTION_STATUS_CANCELED -> HostRunStatus.CANCELLED;
      case WORKFLOW_EXECUTION_STATUS_TERMINATED -> HostRunStatus.TERMINATED;
      case WORKFLOW_EXECUTION_STATUS_FAILED -> HostRunStatus.FAILED;
      case WORKFLOW_EXECUTION_STATUS_TIMED_OUT -> HostRunStatus.TIMED_OUT;
      default -> null;
    };
  }

  private static HostMovesView withStatus(HostMovesView v, String status) {
    return new HostMovesView(
        v.kind(),
        v.host(),
        status,
        v.concurrency(),
        v.pending(),
        v.running(),
        v.done(),
        v.failed(),
        v.skipped(),
        v.items());
  }
}
