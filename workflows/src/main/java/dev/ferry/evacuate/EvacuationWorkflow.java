package dev.ferry.evacuate;

import dev.ferry.move.MoveInput;
import dev.ferry.move.MoveView;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * {@code move:<id>} for an evacuation: the instance's host failed; fence it, then rebuild the
 * instance from its record on another host. Started by the InstanceWorkflow ({@code startMove}).
 */
@WorkflowInterface
public interface EvacuationWorkflow {

  @WorkflowMethod
  MoveView run(MoveInput input);

  @QueryMethod(name = "status")
  MoveView status();

  /** Fencing and rebuild details beyond the common move view. */
  @QueryMethod
  EvacuationDetails details();
}
