package dev.ferry.resize;

import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;

/** Nova's task_state and vm_state of an instance while its resize is in each status. */
final class ResizeTaskStates {
  private ResizeTaskStates() {}

  /**
   * The task state on entering {@code status}. POST_MIGRATING starts as RESIZE_MIGRATED (stopped at
   * the source) and becomes RESIZE_FINISH when the destination work starts; FINISHED is Nova's
   * VERIFY_RESIZE: vm RESIZED with no task.
   */
  static TaskState taskState(ResizeStatus status) {
    return switch (status) {
      case PRE_MIGRATING -> TaskState.RESIZE_PREP;
      case MIGRATING -> TaskState.RESIZE_MIGRATING;
      case POST_MIGRATING -> TaskState.RESIZE_MIGRATED;
      case CONFIRMING -> TaskState.RESIZE_CONFIRMING;
      case REVERTING -> TaskState.RESIZE_REVERTING;
      case FINISHED, CONFIRMED, REVERTED, CANCELLED, ERROR -> TaskState.NONE;
    };
  }

  /**
   * The vm state while the move is open: unchanged until the instance waits for a decision, then
   * RESIZED until confirmed or reverted. Final statuses take the outcome's vm state instead.
   */
  static VmState vmState(ResizeStatus status, VmState before) {
    return switch (status) {
      case FINISHED, CONFIRMING, REVERTING -> VmState.RESIZED;
      default -> before;
    };
  }
}
