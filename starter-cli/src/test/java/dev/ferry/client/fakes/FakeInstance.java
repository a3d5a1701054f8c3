package dev.ferry.client.fakes;

import dev.ferry.entities.Entities;
import dev.ferry.evacuate.EvacuationStatus;
import dev.ferry.evacuate.EvacuationWorkflow;
import dev.ferry.instance.ActionRules;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.instance.MoveRules;
import dev.ferry.live.LiveMigrationWorkflow;
import dev.ferry.model.ActionRequest;
import dev.ferry.model.ActionSummary;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.InstanceMoveStatus;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveOutcome;
import dev.ferry.model.MoveProgress;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveSummary;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import dev.ferry.model.ResetStateRequest;
import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;
import dev.ferry.move.MoveInput;
import dev.ferry.resize.ResizeWorkflow;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;

/**
 * TEST ONLY: an instance record. A BUILDING record becomes ACTIVE after 300 ms, or ERROR when its
 * name starts with {@code fail}. Moves start ResizeWorkflow children; live migrations
 * LiveMigrationWorkflow ones, evacuations EvacuationWorkflow ones. A move is refused as the real
 * instance refuses it: by {@link MoveRules} in the validator, by {@link FakeMoveChecks} in the
 * handler.
 */
public class FakeInstance implements InstanceWorkflow {
  public static final String BUILD_ERROR = "spawn failed: no disk image";

  /** The one base image every fake host's image store holds; any other is refused. */
  public static final String IMAGE = "cirros-0.6.2";

  private final InstanceRecord record;
  private boolean deleted;

  @WorkflowInit
  public FakeInstance(InstanceRecord record) {
    this.record = record;
  }

  @Override
  public void run(InstanceRecord ignored) {
    if (record.vmState == VmState.BUILDING) {
      record.taskState = TaskState.SPAWNING;
      Workflow.sleep(Duration.ofMillis(300));
      record.taskState = TaskState.NONE;
      if (record.baseImage != null && !record.baseImage.equals(IMAGE)) {
        record.vmState = VmState.DELETED; // refused as InstanceWorkflowImpl does: nothing built
        record.buildRefusal = Reason.UNKNOWN_IMAGE;
        record.lastError =
            "build refused on "
                + record.host
                + ": no base image "
                + record.baseImage
                + " in the image store /var/lib/ferry/images (it has "
                + IMAGE
                + ".qcow2)";
        return;
      } else if (record.name.startsWith("fail")) {
        record.vmState = VmState.ERROR;
        record.lastError = BUILD_ERROR;
      } else {
        record.vmState = VmState.ACTIVE;
        record.powerState = PowerState.RUNNING;
      }
    }
    Workflow.await(() -> deleted);
  }

  /** The refusals the real handler makes through activities, before any move starts. */
  private final FakeMoveChecks checks =
      Workflow.newActivityStub(
          FakeMoveChecks.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(10))
              // a refusal is final; the fake has nothing to retry
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
              .build());

  @Override
  public String startMove(MoveRequest request) {
    String existing = MoveRules.existingMove(record, request);
    if (existing != null) {
      return Names.moveWorkflowId(existing); // as the real instance: that move answers
    }
    try {
      checks.check(record, request);
    } catch (ActivityFailure e) {
      throw FerryRejection.from(e).orElseThrow(() -> e).toFailure();
    }
    String workflowId = Names.moveWorkflowId(request.moveId());
    ChildWorkflowOptions options =
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(workflowId)
            .setTaskQueue(Names.CONDUCTOR_QUEUE)
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
            .build();
    record.currentMoveId = request.moveId();
    record.currentMoveType = request.type();
    if (request.type() == MoveType.LIVE_MIGRATION) {
      record.currentMoveStatus = "queued";
      LiveMigrationWorkflow live =
          Workflow.newChildWorkflowStub(LiveMigrationWorkflow.class, options);
      Async.function(live::run, new MoveInput(request, record));
      Workflow.getWorkflowExecution(live).get();
      return workflowId;
    }
    if (request.type() == MoveType.EVACUATION) {
      record.currentMoveStatus = "accepted";
      EvacuationWorkflow evacuation =
          Workflow.newChildWorkflowStub(EvacuationWorkflow.class, options);
      Async.function(evacuation::run, new MoveInput(request, record));
      Workflow.getWorkflowExecution(evacuation).get();
      return workflowId;
    }
    ResizeWorkflow child = Workflow.newChildWorkflowStub(ResizeWorkflow.class, options);
    record.currentMoveStatus = "pre-migrating";
    Async.function(child::run, new MoveInput(request, record));
    Workflow.getWorkflowExecution(child).get();
    return workflowId;
  }

  @Override
  public void validateStartMove(MoveRequest request) {
    try {
      MoveRules.check(record, request); // the real rules: the CLI only translates the refusal
    } catch (FerryRejection r) {
      throw Entities.rejectUpdate(r);
    }
  }

  @Override
  public InstanceRecord delete() {
    record.vmState = VmState.DELETED;
    deleted = true;
    return record;
  }

  @Override
  public void validateDelete() {
    if (record.isBusy()) {
      throw FakePlacement.reject(Reason.INSTANCE_BUSY, "busy with " + record.currentMoveId);
    }
  }

  @Override
  public void moveProgress(MoveProgress progress) {
    record.currentMoveStatus = progress.status();
    if (progress.vmState() != null) {
      record.vmState = progress.vmState();
    }
    if (progress.taskState() != null) {
      record.taskState = progress.taskState();
    }
    if (progress.host() != null && !progress.host().equals(record.host)) {
      // as the real instance: waiting in VERIFY_RESIZE, the record is at the destination already
      record.resizedFromHost = record.host;
      record.resizedFromFlavor = record.flavor;
      record.host = progress.host();
      if (progress.flavor() != null) {
        record.flavor = progress.flavor();
      }
    }
  }

  @Override
  public void moveClosed(MoveOutcome o) {
    String source = record.resizedFromHost != null ? record.resizedFromHost : record.host;
    record.resizedFromHost = null;
    record.resizedFromFlavor = null;
    record.host = o.host();
    record.flavor = o.flavor();
    record.epoch = o.epoch();
    record.vmState = o.vmState();
    record.taskState = TaskState.NONE;
    record.currentMoveId = null;
    record.currentMoveType = null;
    record.currentMoveStatus = null;
    record.addMove(
        new MoveSummary(
            o.moveId(),
            null,
            o.sourceHost() != null ? o.sourceHost() : source,
            o.sourceHost() != null ? o.destHost() : o.host(),
            o.status(),
            0,
            Workflow.currentTimeMillis()));
  }

  /** As the real instance: a {@code done} evacuation is recorded {@code completed}. */
  @Override
  public void evacuationCompleted(String moveId) {
    for (int i = 0; i < record.moves.size(); i++) {
      MoveSummary m = record.moves.get(i);
      if (m.moveId().equals(moveId) && EvacuationStatus.DONE.is(m.status())) {
        record.moves.set(
            i,
            new MoveSummary(
                m.moveId(),
                m.type(),
                m.sourceHost(),
                m.destHost(),
                InstanceMoveStatus.COMPLETED.novaName(),
                m.startedAtMillis(),
                m.endedAtMillis()));
      }
    }
  }

  @Override
  public void validateStartAction(ActionRequest request) {
    try {
      ActionRules.check(record, request); // the real rules: the CLI only translates the refusal
    } catch (FerryRejection r) {
      throw Entities.rejectUpdate(r);
    }
  }

  /** The action happens at once: the guest ends as the action promises. */
  @Override
  public String startAction(ActionRequest request) {
    if (request.action().leaves() != null) {
      record.vmState = request.action().leaves().vmState();
      record.powerState = request.action().leaves().powerState();
    }
    long now = Workflow.currentTimeMillis();
    record.addAction(
        new ActionSummary(
            request.actionId(), request.action(), request.requestedBy(), true, null, now, now));
    return Names.actionWorkflowId(request.actionId());
  }

  @Override
  public void validateResetState(ResetStateRequest request) {
    try {
      ActionRules.checkReset(record, request);
    } catch (FerryRejection r) {
      throw Entities.rejectUpdate(r);
    }
  }

  @Override
  public InstanceRecord resetState(ResetStateRequest request) {
    record.vmState = request.state();
    return record;
  }

  @Override
  public InstanceRecord get() {
    return record;
  }
}
