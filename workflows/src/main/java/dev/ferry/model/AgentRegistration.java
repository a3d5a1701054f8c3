package dev.ferry.model;

import java.time.Duration;

/**
 * A host agent announcing itself (at start-up, and again after it lost its lease).
 *
 * @param leasePeriod how long each of this incarnation's leases lasts before the agent asks for the
 *     next ({@code ferry.host.lease-period}); the HostWorkflow sizes the lease's StartToClose from
 *     it. Null from agents (and recorded histories) older than the field.
 */
public record AgentRegistration(
    String incarnation,
    String hypervisorType,
    long hypervisorVersion,
    String libvirtUri,
    String migrationUri,
    HostInventory inventory,
    int maxConcurrentLiveMigrations,
    Duration leasePeriod) {}
