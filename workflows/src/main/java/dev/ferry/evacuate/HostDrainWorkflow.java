package dev.ferry.evacuate;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * {@code host-drain:<host>}: Nova's host-evacuate-live as a server-side workflow. Disables the UP
 * host for placement first, then live-migrates its running instances, at most N at a time, each
 * through its InstanceWorkflow.
 */
@WorkflowInterface
public interface HostDrainWorkflow {
  @WorkflowMethod
  HostMovesView run(HostMovesInput input);

  @QueryMethod
  HostMovesView progress();
}
