package dev.ferry.client.fakes;

import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavor;
import dev.ferry.model.Flavors;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveOutcome;
import dev.ferry.model.MoveProgress;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.Names;
import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;
import dev.ferry.move.MoveInput;
import dev.ferry.move.MoveView;
import dev.ferry.resize.ResizeEvent;
import dev.ferry.resize.ResizeStateTable;
import dev.ferry.resize.ResizeStatus;
import dev.ferry.resize.ResizeWorkflow;
import dev.ferry.statemachine.StateMachine;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.List;

/**
 * TEST ONLY: walks the resize table without doing anything, parks in FINISHED for confirm or
 * revert. An instance named {@code doomed*} fails at MIGRATING; one named {@code slow*} waits in
 * MIGRATING until the move is cancelled; one named {@code wedged*} ends in ERROR when confirmed or
 * reverted (the source or destination could not be cleaned up). A workflow cancel is handled as the
 * real move does: {@code cancelled} before FINISHED, a revert in FINISHED. Status names in Nova
 * spelling.
 */
public class FakeResize implements ResizeWorkflow {
  public static final String MOVE_ERROR = "disk copy failed: no space left on destination";

  public static final String DECISION_ERROR = "could not undefine the domain on the other host";

  private final MoveRequest request;
  private final InstanceRecord instance;
  private final StateMachine<ResizeStatus, ResizeEvent> machine;
  private final String dest;
  private String decision;
  private String actor;
  private String error;
  private boolean cancelRequested;

  @WorkflowInit
  public FakeResize(MoveInput input) {
    this.request = input.request();
    this.instance = input.instance();
    this.machine = new StateMachine<>(ResizeStateTable.TABLE, Workflow::currentTimeMillis);
    this.dest = request.destHost() != null ? request.destHost() : "b";
  }

  @Override
  public MoveView run(MoveInput ignored) {
    Async.procedure(
        () -> {
          try {
            Workflow.await(machine::isFinal);
          } catch (CanceledFailure e) {
            cancelRequested = true;
            if (machine.state() == ResizeStatus.FINISHED && decision == null) {
              decide("revert", "cancel");
            }
          }
        });
    Workflow.newDetachedCancellationScope(this::walk).run();
    return status();
  }

  private void walk() {
    step(ResizeEvent.PREPARED, "ferry");
    if (instance.name.startsWith("slow")) {
      Workflow.await(() -> cancelRequested);
    }
    if (cancelRequested) {
      step(ResizeEvent.CANCEL, "cancel");
      close(true, instance.host, VmState.ACTIVE);
      return;
    }
    if (instance.name.startsWith("doomed")) {
      error = MOVE_ERROR;
      step(ResizeEvent.FAILED, "ferry");
      close(false, instance.host, VmState.ERROR);
      return;
    }
    step(ResizeEvent.MIGRATED, "ferry");
    step(ResizeEvent.FINISHED_AT_DEST, "ferry");
    Workflow.await(() -> decision != null || cancelRequested);
    if (decision == null) {
      decide("revert", "cancel"); // cancelled on the way to FINISHED
    }
    if (instance.name.startsWith("wedged")) {
      step(decision.equals("confirm") ? ResizeEvent.CONFIRM : ResizeEvent.REVERT, actor);
      error = DECISION_ERROR;
      step(ResizeEvent.FAILED, "ferry");
      close(false, dest, VmState.ERROR);
      return;
    }
    if (decision.equals("confirm")) {
      step(ResizeEvent.CONFIRM, actor);
      step(ResizeEvent.CONFIRM_DONE, "ferry");
      close(true, dest, VmState.ACTIVE);
    } else {
      step(ResizeEvent.REVERT, actor);
      step(ResizeEvent.REVERT_DONE, "ferry");
      close(true, instance.host, VmState.ACTIVE);
    }
  }

  @Override
  public MoveView confirm(String actor) {
    decide("confirm", actor);
    Workflow.await(machine::isFinal);
    return status();
  }

  @Override
  public void validateConfirm(String actor) {
    requireFinished();
  }

  @Override
  public MoveView revert(String actor) {
    decide("revert", actor);
    Workflow.await(machine::isFinal);
    return status();
  }

  @Override
  public void validateRevert(String actor) {
    requireFinished();
  }

  @Override
  public void requestConfirm(String actor) {
    if (machine.state() == ResizeStatus.FINISHED) {
      decide("confirm", actor);
    }
  }

  @Override
  public void requestRevert(String actor) {
    if (machine.state() == ResizeStatus.FINISHED) {
      decide("revert", actor);
    }
  }

  @Override
  public MoveView status() {
    return MoveView.of(
        request,
        instance,
        instance.host,
        dest,
        machine,
        error == null ? List.of() : List.of(error));
  }

  private void decide(String what, String who) {
    decision = what;
    actor = who;
  }

  private void requireFinished() {
    if (machine.state() != ResizeStatus.FINISHED || decision != null) {
      throw FakePlacement.reject(
          Reason.INVALID_STATE,
          "move " + request.moveId() + " is " + machine.state().novaName() + ", not finished");
    }
  }

  private void step(ResizeEvent event, String who) {
    Workflow.sleep(Duration.ofMillis(50));
    ResizeStatus to = machine.fire(event, who);
    boolean parked = to == ResizeStatus.FINISHED; // as the real move: the guest runs at dest
    instanceStub()
        .moveProgress(
            new MoveProgress(
                request.moveId(),
                to.novaName(),
                parked ? VmState.RESIZED : null,
                TaskState.NONE,
                null,
                parked ? dest : null,
                parked ? newFlavor() : null));
  }

  private Flavor newFlavor() {
    return request.flavor() != null ? Flavors.require(request.flavor()) : instance.flavor;
  }

  private void close(boolean succeeded, String host, VmState vmState) {
    instanceStub()
        .moveClosed(
            new MoveOutcome(
                request.moveId(),
                machine.state().novaName(),
                succeeded,
                host,
                request.flavor() != null && decision != null && decision.equals("confirm")
                    ? Flavors.require(request.flavor())
                    : instance.flavor,
                instance.epoch + 1,
                null,
                vmState,
                instance.powerState,
                error,
                instance.host,
                dest));
  }

  private InstanceWorkflow instanceStub() {
    return Workflow.newExternalWorkflowStub(
        InstanceWorkflow.class, Names.instanceWorkflowId(request.instanceId()));
  }
}
