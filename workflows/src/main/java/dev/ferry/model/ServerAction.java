package dev.ferry.model;

import java.util.EnumSet;
import java.util.Set;

/**
 * What an operator does to a server in place (Nova's server actions): not a move, no migration
 * record. Each names the vm states it is allowed from (Nova's {@code check_instance_state}), its
 * task state while it runs, and the guest state it must leave.
 */
public enum ServerAction implements NovaStatus {
  /** ACPI shutdown, then destroy after the graceful window. */
  STOP(
      EnumSet.of(VmState.ACTIVE, VmState.PAUSED, VmState.ERROR),
      TaskState.POWERING_OFF,
      GuestState.SHUT_OFF),
  START(EnumSet.of(VmState.STOPPED), TaskState.POWERING_ON, GuestState.RUNNING),
  /** libvirt's suspend: the vCPUs stop, memory stays in the host's RAM. */
  PAUSE(EnumSet.of(VmState.ACTIVE), TaskState.PAUSING, GuestState.PAUSED),
  UNPAUSE(EnumSet.of(VmState.PAUSED), TaskState.UNPAUSING, GuestState.RUNNING),
  /** A managed save: memory to disk, the guest shut off until resumed from it. */
  SUSPEND(EnumSet.of(VmState.ACTIVE, VmState.PAUSED), TaskState.SUSPENDING, GuestState.SAVED),
  RESUME(EnumSet.of(VmState.SUSPENDED), TaskState.RESUMING, GuestState.RUNNING),
  /** ACPI shutdown and start; a guest that ignores ACPI is destroyed after the graceful window. */
  REBOOT(EnumSet.of(VmState.ACTIVE), TaskState.REBOOTING, GuestState.RUNNING),
  /** Destroy and start, whatever the guest does. */
  HARD_REBOOT(
      EnumSet.of(VmState.ACTIVE, VmState.STOPPED, VmState.PAUSED, VmState.SUSPENDED, VmState.ERROR),
      TaskState.REBOOTING_HARD,
      GuestState.RUNNING),
  /**
   * Asks every UP host whether it defines the server and how it runs, and repairs the record from
   * what they say (the way back from ERROR when the guest is fine). Leaves what it finds.
   */
  RECONCILE(
      EnumSet.of(
          VmState.ACTIVE,
          VmState.STOPPED,
          VmState.PAUSED,
          VmState.SUSPENDED,
          VmState.RESIZED,
          VmState.ERROR),
      TaskState.NONE,
      null),
  /** The operator sets the vm state (Nova's os-resetState); nothing runs on a host. */
  RESET_STATE(
      EnumSet.of(
          VmState.ACTIVE,
          VmState.STOPPED,
          VmState.PAUSED,
          VmState.SUSPENDED,
          VmState.RESIZED,
          VmState.ERROR),
      TaskState.NONE,
      null);

  private final Set<VmState> allowedFrom;
  private final TaskState taskState;
  private final GuestState leaves;

  ServerAction(Set<VmState> allowedFrom, TaskState taskState, GuestState leaves) {
    this.allowedFrom = allowedFrom;
    this.taskState = taskState;
    this.leaves = leaves;
  }

  public Set<VmState> allowedFrom() {
    return allowedFrom;
  }

  public TaskState taskState() {
    return taskState;
  }

  /**
   * The guest state a successful action leaves, checked on the host after it; null for those that
   * leave what they find (reconcile, reset-state).
   */
  public GuestState leaves() {
    return leaves;
  }
}
