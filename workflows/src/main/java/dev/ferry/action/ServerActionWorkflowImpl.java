package dev.ferry.action;

import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.model.ActionOutcome;
import dev.ferry.model.ActionRequest;
import dev.ferry.model.DomainView;
import dev.ferry.model.GuestState;
import dev.ferry.model.Names;
import dev.ferry.model.ServerAction;
import dev.ferry.model.Settings;
import dev.ferry.move.ActivityFailures;
import dev.ferry.move.ConductorCalls;
import dev.ferry.move.HostCallOptions;
import dev.ferry.move.MoveStepException;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;

/**
 * Runs the action on the server's host, then reads the guest there and checks that it is in the
 * state the action must leave; tells the instance either way. A soft reboot is an ACPI shutdown
 * that falls back to destroy after the cluster's graceful window (Nova's {@code shutdown_timeout}),
 * then a start.
 */
public class ServerActionWorkflowImpl implements ServerActionWorkflow {

  private String step = "starting";

  @Override
  public ActionOutcome run(ActionInput input) {
    ActionRequest request = input.request();
    String id = request.instanceId();
    HypervisorActivities host =
        Workflow.newActivityStub(
            HypervisorActivities.class, HostCallOptions.instanceHypervisor(input.host()));
    ActionOutcome outcome;
    try {
      if (request.action() == ServerAction.RECONCILE) {
        step = "asking every UP host";
        outcome = ServerReconcile.run(input);
        step = outcome.succeeded() ? "done" : "failed";
        tellInstance(id, outcome);
        return outcome;
      }
      act(request.action(), id, host);
      step = "reading the guest's state on " + input.host();
      DomainView after = host.inspect(id);
      GuestState guest = after.guest();
      boolean as = guest == request.action().leaves();
      outcome =
          new ActionOutcome(
              request.actionId(),
              as,
              guest,
              as
                  ? null
                  : request.action().novaName()
                      + " left the guest "
                      + guest
                      + " on "
                      + input.host()
                      + ", not "
                      + request.action().leaves());
    } catch (ActivityFailure | MoveStepException f) {
      String why = f instanceof ActivityFailure a ? ActivityFailures.message(a) : f.getMessage();
      outcome =
          new ActionOutcome(
              request.actionId(),
              false,
              null,
              request.action().novaName() + " on " + input.host() + " failed: " + why);
    }
    step = outcome.succeeded() ? "done" : "failed";
    tellInstance(id, outcome);
    return outcome;
  }

  private void act(ServerAction action, String id, HypervisorActivities host) {
    switch (action) {
      case STOP -> {
        step = "shutting the guest down (ACPI, then destroy)";
        host.powerOff(id, gracefulSeconds());
      }
      case START, UNPAUSE, RESUME -> {
        step = "starting the guest";
        host.powerOn(id);
      }
      case PAUSE -> {
        step = "pausing the guest";
        host.pause(id);
      }
      case SUSPEND -> {
        step = "saving the guest's memory (managed save)";
        host.managedSave(id);
      }
      case REBOOT -> {
        step = "shutting the guest down (ACPI, then destroy)";
        host.powerOff(id, gracefulSeconds());
        step = "starting the guest";
        host.powerOn(id);
      }
      case RECONCILE, RESET_STATE ->
          throw new IllegalArgumentException(action + " is no action on the guest");
      case HARD_REBOOT -> {
        step = "destroying the guest";
        host.powerOff(id, 0);
        step = "starting the guest";
        host.powerOn(id);
      }
    }
  }

  private static int gracefulSeconds() {
    Settings settings = ConductorCalls.get("read settings", c -> c.placement().settings());
    return settings.gracefulShutdownSeconds();
  }

  /** A lost signal must not fail the action: the instance's periodic check finds it closed. */
  private static void tellInstance(String instanceId, ActionOutcome outcome) {
    try {
      Workflow.newExternalWorkflowStub(InstanceWorkflow.class, Names.instanceWorkflowId(instanceId))
          .actionClosed(outcome);
    } catch (SignalExternalWorkflowException e) {
      Workflow.getLogger(ServerActionWorkflowImpl.class)
          .warn("could not tell {} how its action ended: {}", instanceId, e.getMessage());
    }
  }

  @Override
  public String step() {
    return step;
  }
}
