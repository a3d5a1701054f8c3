package dev.ferry.model;

/** What a host's hypervisor reports about itself. */
public record HostFacts(
    String hypervisorType, long hypervisorVersion, long libvirtVersion, int cpus, long memoryMb) {}
