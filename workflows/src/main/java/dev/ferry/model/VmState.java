package dev.ferry.model;

/** Nova's vm_state: the stable state of an instance. */
public enum VmState {
  BUILDING,
  ACTIVE,
  PAUSED,
  STOPPED,
  RESIZED,
  ERROR,
  DELETED,
  /** Nova's suspend: a managed save, or the guest suspended itself to RAM. */
  SUSPENDED
}
