package dev.ferry.action;

import dev.ferry.model.ActionOutcome;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * {@code action:<id>}: one server action (stop, start, pause, unpause, suspend, resume, reboot) on
 * the server's host, started by its InstanceWorkflow, which holds the server's lock until this
 * tells it how the action ended.
 */
@WorkflowInterface
public interface ServerActionWorkflow {

  @WorkflowMethod
  ActionOutcome run(ActionInput input);

  /** What it is doing now, in a few words. */
  @QueryMethod
  String step();
}
