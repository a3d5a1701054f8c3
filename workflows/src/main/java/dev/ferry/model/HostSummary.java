package dev.ferry.model;

/** What placement needs to know of a host; sent by its HostWorkflow on every change. */
public record HostSummary(
    String name, HostStatus status, boolean enabled, boolean forcedDown, HostInventory inventory) {}
