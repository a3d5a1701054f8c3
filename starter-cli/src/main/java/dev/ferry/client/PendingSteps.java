package dev.ferry.client;

import static dev.ferry.client.Inputs.stripMovePrefix;

import dev.ferry.model.CopyProgress;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Names;
import dev.ferry.model.ShutdownWait;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.common.converter.DataConverterException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A move's running steps, read with DescribeWorkflowExecution: the only way to see an activity's
 * heartbeat details from outside. One reader for every move type.
 */
final class PendingSteps {
  private final ClientContext ctx;

  PendingSteps(ClientContext ctx) {
    this.ctx = ctx;
  }

  /** The move workflow's pending activities, as the engine describes them. */
  List<PendingActivityInfo> of(String moveId) {
    String workflowId = Names.moveWorkflowId(stripMovePrefix(moveId));
    return ctx.call(
            "describe " + workflowId,
            () ->
                ctx.client
                    .getWorkflowServiceStubs()
                    .blockingStub()
                    .describeWorkflowExecution(
                        DescribeWorkflowExecutionRequest.newBuilder()
                            .setNamespace(ctx.client.getOptions().getNamespace())
                            .setExecution(
                                WorkflowExecution.newBuilder().setWorkflowId(workflowId).build())
                            .build()),
            () -> new FerryRejection(Reason.UNKNOWN_INSTANCE, "no move " + moveId))
        .getPendingActivitiesList();
  }

  /**
   * The step the move runs now: a started activity before one still waiting for its agent; empty
   * when the move waits on no activity (a timer, a decision, a child).
   */
  Optional<RunningStep> running(String moveId) {
    return of(moveId).stream()
        .min(
            Comparator.comparing(
                a -> a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED))
        .map(this::step);
  }

  /** The heartbeat details of {@code activity} as {@code type}; empty when absent or of another. */
  <T> Optional<T> details(PendingActivityInfo activity, Class<T> type) {
    if (!activity.hasHeartbeatDetails()) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(
          ctx.client
              .getOptions()
              .getDataConverter()
              .fromPayloads(0, Optional.of(activity.getHeartbeatDetails()), type, type));
    } catch (DataConverterException olderAgent) {
      return Optional.empty(); // an agent of an earlier release heartbeats another shape
    }
  }

  private RunningStep step(PendingActivityInfo a) {
    String type = a.getActivityType().getName();
    boolean started = a.getState() != PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED;
    return new RunningStep(
        type,
        StepNames.of(type),
        Math.max(1, a.getAttempt()),
        started && a.hasLastStartedTime()
            ? Instant.ofEpochSecond(
                a.getLastStartedTime().getSeconds(), a.getLastStartedTime().getNanos())
            : null,
        "DiskCopyDisk".equals(type) ? details(a, CopyProgress.class).orElse(null) : null,
        "HypervisorPowerOff".equals(type) ? details(a, ShutdownWait.class).orElse(null) : null,
        a.hasLastFailure() && a.getAttempt() > 1 ? a.getLastFailure().getMessage() : null);
  }
}
