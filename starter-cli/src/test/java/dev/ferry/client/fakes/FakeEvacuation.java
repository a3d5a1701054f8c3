package dev.ferry.client.fakes;

import static dev.ferry.evacuate.EvacuationEvent.FENCED;
import static dev.ferry.evacuate.EvacuationEvent.REBUILT;

import dev.ferry.evacuate.EvacuationDetails;
import dev.ferry.evacuate.EvacuationEvent;
import dev.ferry.evacuate.EvacuationStateTable;
import dev.ferry.evacuate.EvacuationStatus;
import dev.ferry.evacuate.EvacuationWorkflow;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveOutcome;
import dev.ferry.model.MoveProgress;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.Names;
import dev.ferry.model.TaskState;
import dev.ferry.move.MoveInput;
import dev.ferry.move.MoveView;
import dev.ferry.statemachine.StateMachine;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * TEST ONLY: an evacuation that walks the evacuation table without touching a host and answers the
 * real one's {@code details} query, scripted by the server's name and record.
 *
 * <ul>
 *   <li>any name: fenced with the request's method ({@code libvirt-destroy} when none), then
 *       rebuilt on the destination: no disk ({@code none}), a shared disk reused ({@code shared}),
 *       or a host-local disk made anew from the base image ({@code rebuilt-from-base-image}, local
 *       data lost) as the record says; {@code done};
 *   <li>{@code hold*}: parks in {@code accepted}, not yet fenced.
 * </ul>
 */
public class FakeEvacuation implements EvacuationWorkflow {
  /** The URI a {@code libvirt-destroy} fence reports it went through. */
  public static final String LIBVIRT_URI = "qemu+unix:///system?socket=/run/ferry/libvirt-sock";

  private final MoveRequest request;
  private final InstanceRecord instance;
  private final StateMachine<EvacuationStatus, EvacuationEvent> machine;
  private final String dest;
  private final List<String> notes = new ArrayList<>();
  private String fenceMethod;
  private String fencing;
  private String disk = "none";
  private boolean localDataLost;

  @WorkflowInit
  public FakeEvacuation(MoveInput input) {
    this.request = input.request();
    this.instance = input.instance();
    this.machine = new StateMachine<>(EvacuationStateTable.TABLE, Workflow::currentTimeMillis);
    this.dest = request.destHost() != null ? request.destHost() : "b";
  }

  @Override
  public MoveView run(MoveInput ignored) {
    if (instance.name.startsWith("hold")) {
      Workflow.await(() -> false); // parked before fencing: the test environment ends it
    }
    fenceMethod = request.fenceMethod() != null ? request.fenceMethod() : "libvirt-destroy";
    fencing =
        "confirmed-off".equals(fenceMethod)
            ? "operator "
                + request.requestedBy()
                + " confirmed host "
                + instance.host
                + " is powered off"
            : "destroyed domain "
                + instance.name
                + " on host "
                + instance.host
                + " through "
                + LIBVIRT_URI;
    step(FENCED, request.requestedBy() + " via " + fenceMethod);
    if (instance.diskPath == null || instance.diskPath.isBlank()) {
      disk = "none";
    } else if (instance.sharedStorage) {
      disk = "shared";
      notes.add("reused the shared disk " + instance.diskPath);
    } else {
      disk = "rebuilt-from-base-image";
      localDataLost = true;
      notes.add(
          "the old disk "
              + instance.diskPath
              + " is left on "
              + instance.host
              + ": delete it once the host is back");
    }
    step(REBUILT, "ferry");
    instanceStub()
        .moveClosed(
            new MoveOutcome(
                request.moveId(),
                machine.state().novaName(),
                true,
                dest,
                instance.flavor,
                instance.epoch + 1,
                null,
                instance.vmState,
                instance.powerState,
                null));
    return status();
  }

  @Override
  public MoveView status() {
    return new MoveView(
        request.moveId(),
        request.type(),
        request.instanceId(),
        instance.host,
        dest,
        machine.state().novaName(),
        machine.isFinal(),
        machine.log(),
        null);
  }

  @Override
  public EvacuationDetails details() {
    return new EvacuationDetails(
        fenceMethod, fencing, disk, localDataLost, instance.epoch + 1, List.copyOf(notes));
  }

  private void step(EvacuationEvent event, String who) {
    Workflow.sleep(Duration.ofMillis(50));
    EvacuationStatus to = machine.fire(event, who);
    instanceStub()
        .moveProgress(
            new MoveProgress(
                request.moveId(),
                to.novaName(),
                null,
                machine.isFinal() ? TaskState.NONE : TaskState.REBUILDING,
                null));
  }

  private InstanceWorkflow instanceStub() {
    return Workflow.newExternalWorkflowStub(
        InstanceWorkflow.class, Names.instanceWorkflowId(request.instanceId()));
  }
}
