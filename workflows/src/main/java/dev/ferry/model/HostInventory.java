package dev.ferry.model;

/**
 * A host's configured inventory with Nova's allocation ratios. Configured, not read from libvirt:
 * on a test machine every simulated host shares one physical memory.
 */
public record HostInventory(
    int vcpus,
    int memoryMb,
    int diskGb,
    double cpuAllocationRatio,
    double ramAllocationRatio,
    double diskAllocationRatio) {

  /** What may be allocated on this host, ratios applied. */
  public Resources capacity() {
    return new Resources(
        (int) Math.floor(vcpus * cpuAllocationRatio),
        (int) Math.floor(memoryMb * ramAllocationRatio),
        (int) Math.floor(diskGb * diskAllocationRatio));
  }
}
