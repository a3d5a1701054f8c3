package dev.ferry.model;

/** A host agent announcing itself at start-up. */
public record AgentRegistration(
    String incarnation,
    String hypervisorType,
    long hypervisorVersion,
    String libvirtUri,
    String migrationUri,
    HostInventory inventory,
    int maxConcurrentLiveMigrations) {}
