package dev.ferry.resize;

import dev.ferry.move.MoveInput;
import dev.ferry.move.MoveView;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * {@code move:<id>} for a cold migration or resize. Parks in FINISHED (instance VERIFY_RESIZE)
 * until confirm, revert, or the auto-confirm timer.
 */
@WorkflowInterface
public interface ResizeWorkflow {

  @WorkflowMethod
  MoveView run(MoveInput input);

  @UpdateMethod
  MoveView confirm(String actor);

  @UpdateValidatorMethod(updateName = "confirm")
  void validateConfirm(String actor);

  /**
   * Refused (HOST_UNAVAILABLE, nothing changed, the decision still open) while the source host is
   * down or forced down: a revert restarts the old copy there.
   */
  @UpdateMethod
  MoveView revert(String actor);

  @UpdateValidatorMethod(updateName = "revert")
  void validateRevert(String actor);

  /** Confirm as a signal (fire and forget); ignored unless the resize awaits a decision. */
  @SignalMethod
  void requestConfirm(String actor);

  @SignalMethod
  void requestRevert(String actor);

  @QueryMethod(name = "status")
  MoveView status();
}
