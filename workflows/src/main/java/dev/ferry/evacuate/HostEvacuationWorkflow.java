package dev.ferry.evacuate;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * {@code host-evacuation:<host>}: evacuates every instance of a failed host, at most N at a time,
 * each through its InstanceWorkflow (so the instance lock holds). Refused (HOST_IN_USE) while the
 * host is UP and not forced down.
 */
@WorkflowInterface
public interface HostEvacuationWorkflow {
  @WorkflowMethod
  HostMovesView run(HostMovesInput input);

  @QueryMethod
  HostMovesView progress();
}
