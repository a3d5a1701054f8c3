package dev.ferry.model;

/** Nova's task_state: the transient operation on an instance, NONE when idle. */
public enum TaskState {
  NONE,
  SPAWNING,
  RESIZE_PREP,
  RESIZE_MIGRATING,
  RESIZE_MIGRATED,
  RESIZE_FINISH,
  RESIZE_CONFIRMING,
  RESIZE_REVERTING,
  MIGRATING,
  REBUILDING,
  DELETING,
  // a server action under way (Nova's names)
  POWERING_OFF,
  POWERING_ON,
  PAUSING,
  UNPAUSING,
  SUSPENDING,
  RESUMING,
  REBOOTING,
  REBOOTING_HARD
}
