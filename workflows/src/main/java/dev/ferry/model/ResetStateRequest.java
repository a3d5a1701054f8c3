package dev.ferry.model;

/**
 * The operator sets a server's vm state (Nova's os-resetState) for what a reconcile cannot decide.
 *
 * @param state ACTIVE or ERROR
 */
public record ResetStateRequest(
    String actionId, String instanceId, VmState state, String requestedBy) {}
