package dev.ferry.model;

/**
 * Nova's derived server status (the API's {@code status}): the vm state, overridden by the task
 * under way where Nova's API does so.
 */
public enum ServerStatus {
  BUILD,
  ACTIVE,
  SHUTOFF,
  PAUSED,
  SUSPENDED,
  VERIFY_RESIZE,
  REVERT_RESIZE,
  RESIZE,
  MIGRATING,
  REBUILD,
  REBOOT,
  HARD_REBOOT,
  ERROR,
  DELETED;

  /** The status Nova's API shows for an instance in {@code vm} with {@code task} under way. */
  public static ServerStatus of(VmState vm, TaskState task) {
    TaskState t = task == null ? TaskState.NONE : task;
    if (vm == null) {
      return BUILD;
    }
    return switch (vm) {
      case BUILDING -> BUILD;
      case DELETED -> DELETED;
      case SUSPENDED -> SUSPENDED;
      case ERROR -> t == TaskState.REBUILDING ? REBUILD : ERROR;
      case RESIZED -> t == TaskState.RESIZE_REVERTING ? REVERT_RESIZE : VERIFY_RESIZE;
      case ACTIVE, STOPPED, PAUSED -> byTask(t, vm);
    };
  }

  public static ServerStatus of(InstanceRecord record) {
    return of(record.vmState, record.taskState);
  }

  private static ServerStatus byTask(TaskState task, VmState vm) {
    return switch (task) {
      case RESIZE_PREP, RESIZE_MIGRATING, RESIZE_MIGRATED, RESIZE_FINISH -> RESIZE;
      case MIGRATING -> MIGRATING;
      case REBUILDING -> REBUILD;
      case REBOOTING -> REBOOT;
      case REBOOTING_HARD -> HARD_REBOOT;
      case RESIZE_REVERTING -> REVERT_RESIZE;
      case SPAWNING -> BUILD;
      default ->
          switch (vm) {
            case STOPPED -> SHUTOFF;
            case PAUSED -> PAUSED;
            default -> ACTIVE;
          };
    };
  }
}
