package dev.ferry.model;

/**
 * A move tells its instance about a status change (signal).
 *
 * @param host where the guest runs now, when the move put it there before it closes (a resize
 *     waiting in VERIFY_RESIZE: the destination, as Nova's instance.host); null otherwise
 * @param flavor the flavor the guest runs with there; null when {@code host} is
 */
public record MoveProgress(
    String moveId,
    String status,
    VmState vmState,
    TaskState taskState,
    PowerState powerState,
    String host,
    Flavor flavor) {

  /** Progress that leaves the instance's host and flavor as they are. */
  public MoveProgress(
      String moveId, String status, VmState vmState, TaskState taskState, PowerState powerState) {
    this(moveId, status, vmState, taskState, powerState, null, null);
  }
}
