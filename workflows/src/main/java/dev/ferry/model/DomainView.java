package dev.ferry.model;

/**
 * A domain as one host's libvirt sees it. {@code exists} false when the host has no such domain.
 *
 * @param ferryInstanceId from Ferry's metadata tag; null for a domain Ferry did not define
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
    String inactiveXml) {

  public static DomainView absent(String uuid) {
    return new DomainView(false, uuid, null, PowerState.NOSTATE, 0, 0, null, -1, null);
  }
}
