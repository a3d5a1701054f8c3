package dev.ferry.evacuate;

/**
 * Fence {@code host} so that {@code instanceId}'s copy there cannot run.
 *
 * @param method one of {@link FenceMethods}; null = the conductor's configured default
 * @param actor who asked (recorded: "confirmed-off" is that person's word)
 * @param libvirtUri the URI the host's agent registered (its HostRecord); the conductor's fencing
 *     configuration may override it with one the conductor can reach
 */
public record FenceRequest(
    String host, String instanceId, String method, String actor, String libvirtUri) {}
