package dev.ferry.model;

/** Nova's power_state, as read from the hypervisor. */
public enum PowerState {
  NOSTATE,
  RUNNING,
  PAUSED,
  SHUTDOWN,
  CRASHED,
  SUSPENDED
}
