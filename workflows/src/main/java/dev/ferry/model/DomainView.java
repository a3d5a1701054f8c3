package dev.ferry.model;

/**
 * A domain as one host's libvirt sees it. {@code exists} false when the host has no such domain.
 *
 * @param ferryInstanceId from Ferry's metadata tag; null for a domain Ferry did not define
 * @param guestState what the guest is doing, managed save included; null in views recorded before
 *     it existed (read it through {@link #guest()})
 */
public record DomainView(
    boolean exists,
    String uuid,
    String name,
    PowerState powerState,
    int vcpus,
    int memoryMb,
    String ferryInstanceId,
    long epoch,
    String inactiveXml,
    GuestState guestState) {

  /** A view whose guest state follows from its power state alone (no managed-save image). */
  public DomainView(
      boolean exists,
      String uuid,
      String name,
      PowerState powerState,
      int vcpus,
      int memoryMb,
      String ferryInstanceId,
      long epoch,
      String inactiveXml) {
    this(
        exists,
        uuid,
        name,
        powerState,
        vcpus,
        memoryMb,
        ferryInstanceId,
        epoch,
        inactiveXml,
        GuestState.of(exists, powerState));
  }

  public static DomainView absent(String uuid) {
    return new DomainView(false, uuid, null, PowerState.NOSTATE, 0, 0, null, -1, null);
  }

  /** The guest's state; derived from the power state in views recorded before it was carried. */
  public GuestState guest() {
    return guestState != null ? guestState : GuestState.of(exists, powerState);
  }
}
