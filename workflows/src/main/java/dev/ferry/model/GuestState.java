package dev.ferry.model;

/**
 * What a guest is doing as its host's libvirt sees it: the one mapping from the hypervisor's state
 * to the record's vm state and power state (Nova's power-state sync, with the differences the
 * README names).
 */
public enum GuestState {
  RUNNING(VmState.ACTIVE, PowerState.RUNNING),
  /** libvirt's suspend (Nova's pause): the vCPUs are stopped, memory stays. */
  PAUSED(VmState.PAUSED, PowerState.PAUSED),
  /** Suspended to RAM by the guest itself (ACPI S3). */
  PM_SUSPENDED(VmState.SUSPENDED, PowerState.SUSPENDED),
  SHUT_OFF(VmState.STOPPED, PowerState.SHUTDOWN),
  /** Shut off with a managed-save image (Nova's suspend): it resumes from that image. */
  SAVED(VmState.SUSPENDED, PowerState.SHUTDOWN),
  CRASHED(VmState.ERROR, PowerState.CRASHED),
  /** The host has no such domain. */
  MISSING(VmState.ERROR, PowerState.NOSTATE);

  private final VmState vmState;
  private final PowerState powerState;

  GuestState(VmState vmState, PowerState powerState) {
    this.vmState = vmState;
    this.powerState = powerState;
  }

  /** The record's vm state for a guest in this state. */
  public VmState vmState() {
    return vmState;
  }

  /** The record's power state for a guest in this state. */
  public PowerState powerState() {
    return powerState;
  }

  /**
   * The state a power state alone tells (no managed-save knowledge): for views from before they
   * carried a guest state.
   */
  public static GuestState of(boolean exists, PowerState power) {
    if (!exists) {
      return MISSING;
    }
    return switch (power == null ? PowerState.NOSTATE : power) {
      case RUNNING -> RUNNING;
      case PAUSED -> PAUSED;
      case SUSPENDED -> PM_SUSPENDED;
      case CRASHED -> CRASHED;
      case SHUTDOWN, NOSTATE -> SHUT_OFF;
    };
  }
}
