package dev.ferry.instance;

import dev.ferry.entities.MovePreflightActivities;
import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.InstanceMoveStatus;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MovePreflight;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.Names;
import dev.ferry.move.ActivityFailures;
import dev.ferry.move.ConductorCalls;
import dev.ferry.move.MoveInput;
import dev.ferry.move.WebUiTexts;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * The {@code startMove} handler's work, after the validator ({@link MoveRules}) accepted: take the
 * lock, run the pre-flight ({@link MovePreflightRules}, on the conductor), start the move. A
 * pre-flight refusal answers the Update with its typed reason and leaves no move and no error.
 */
final class MoveStart {

  /** The change that checks hosts, placement and fencing before a move starts. */
  static final String PREFLIGHT_CHANGE = "move-preflight";

  private final InstanceRecord record;
  private final MovePreflightActivities preflight =
      Workflow.newActivityStub(MovePreflightActivities.class, ConductorCalls.WHILE_OPERATOR_WAITS);

  MoveStart(InstanceRecord record) {
    this.record = record;
  }

  /** Starts {@code request}'s move; returns its workflow id. */
  String start(MoveRequest request) {
    String existing = MoveRules.existingMove(record, request);
    if (existing != null) {
      return Names.moveWorkflowId(existing); // a retried request, or the running evacuation
    }
    String workflowId = Names.moveWorkflowId(request.moveId());
    long lastMoveStartedAt = record.currentMoveStartedAtMillis;
    // Locked first: another request waits behind the pre-flight instead of racing it.
    record.currentMoveId = request.moveId();
    record.currentMoveType = request.type();
    record.currentMoveStatus = InstanceMoveStatus.ACCEPTED.novaName();
    record.currentMoveStartedAtMillis = Workflow.currentTimeMillis();
    if (Workflow.getVersion(PREFLIGHT_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1) {
      try {
        checkBeforeStarting(request);
      } catch (RuntimeException refused) {
        clearLock(record);
        record.currentMoveStartedAtMillis = lastMoveStartedAt; // as if never asked
        throw refused;
      }
    }
    ChildWorkflowOptions options =
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(workflowId)
            .setTaskQueue(Names.CONDUCTOR_QUEUE)
            // The move outlives this run (continue-as-new) and tells us when it closes.
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
            .setStaticSummary(WebUiTexts.moveSummary(request, record))
            .setStaticDetails(WebUiTexts.moveDetails(request, record))
            .build();
    Promise<WorkflowExecution> started =
        MoveWorkflows.start(request.type(), options, new MoveInput(request, record));
    try {
      started.get();
    } catch (RuntimeException e) {
      clearLock(record);
      throw startFailed(workflowId, e).toFailure();
    }
    return workflowId;
  }

  private void checkBeforeStarting(MoveRequest request) {
    String dest;
    try {
      dest = preflight.check(MovePreflight.of(request, record));
    } catch (ActivityFailure f) {
      throw ActivityFailures.rejectionOrUnreachable(
              f,
              "could not check the move of "
                  + record.name
                  + " before starting it"
                  + " (nothing was started)")
          .toFailure();
    }
    if (dest != null && record.domainXml != null) {
      checkGuestCpu(dest);
    }
  }

  /**
   * The destination's libvirt says whether it can run the guest's CPU as recorded, before the guest
   * is stopped for it (a cold move would otherwise find out when it starts the guest there).
   */
  private void checkGuestCpu(String dest) {
    HypervisorActivities destination =
        Workflow.newActivityStub(
            HypervisorActivities.class,
            // on the destination's own queue; an agent that takes no task in 15 s is not waited for
            ActivityOptions.newBuilder(ConductorCalls.WHILE_OPERATOR_WAITS)
                .setTaskQueue(Names.hostQueue(dest))
                .setScheduleToCloseTimeout(Duration.ofSeconds(15))
                .build());
    try {
      destination.checkGuestCpu(record.domainXml);
    } catch (ActivityFailure f) {
      throw ActivityFailures.rejectionOrUnreachable(
              f,
              "host "
                  + dest
                  + " did not answer whether it can run "
                  + record.name
                  + "'s CPU (nothing was started)")
          .toFailure();
    }
  }

  /** The record lets go of its move: none runs. */
  static void clearLock(InstanceRecord record) {
    record.resizedFromHost = null;
    record.resizedFromFlavor = null;
    record.currentMoveId = null;
    record.currentMoveType = null;
    record.currentMoveStatus = null;
  }

  /**
   * Why a move's workflow did not start: its id is taken by a move that still runs (a conflict, not
   * a malformed request); anything else is the cluster not starting it.
   */
  private static FerryRejection startFailed(String workflowId, RuntimeException e) {
    String message = "could not start move " + workflowId + ": " + e.getMessage();
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof WorkflowExecutionAlreadyStarted) {
        return new FerryRejection(
            Reason.DUPLICATE_NAME, message + " (a move with that id is still running)");
      }
    }
    return new FerryRejection(Reason.UNREACHABLE, message);
  }
}
