package dev.ferry.model;

/**
 * What placement needs to know of a host; sent by its HostWorkflow on every change.
 *
 * @param hypervisorType as libvirt names it (e.g. QEMU); null when not known yet
 * @param hypervisorVersion libvirt's version number of it; 0 when not known
 */
public record HostSummary(
    String name,
    HostStatus status,
    boolean enabled,
    boolean forcedDown,
    HostInventory inventory,
    String hypervisorType,
    long hypervisorVersion) {

  /** A summary that does not say which hypervisor the host runs (any guest is taken as fitting). */
  public HostSummary(
      String name,
      HostStatus status,
      boolean enabled,
      boolean forcedDown,
      HostInventory inventory) {
    this(name, status, enabled, forcedDown, inventory, null, 0);
  }

  /**
   * Whether a guest running on {@code source} can run here (Nova's hypervisor checks): the same
   * hypervisor type, at least the source's version. What is not known does not refuse; null when it
   * fits, else why not.
   */
  public String hypervisorMismatch(HostSummary source) {
    if (source == null) {
      return null;
    }
    if (source.hypervisorType != null
        && hypervisorType != null
        && !source.hypervisorType.equals(hypervisorType)) {
      return "host '"
          + name
          + "' runs "
          + hypervisorType
          + ", the source '"
          + source.name
          + "' runs "
          + source.hypervisorType;
    }
    if (hypervisorVersion > 0 && hypervisorVersion < source.hypervisorVersion) {
      return "host '"
          + name
          + "''s hypervisor version "
          + hypervisorVersion
          + " is older than the source '"
          + source.name
          + "''s "
          + source.hypervisorVersion;
    }
    return null;
  }
}
