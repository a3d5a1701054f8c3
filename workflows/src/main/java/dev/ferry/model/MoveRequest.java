package dev.ferry.model;

/**
 * A request to move an instance, given to its InstanceWorkflow's {@code startMove}.
 *
 * @param destHost null lets the scheduler pick
 * @param flavor the new flavor's name for a resize; null keeps the current flavor
 * @param confirmWindowSeconds resize auto-confirm window; null = the global default, 0 = wait for
 *     the operator (the one wait without a timer)
 * @param requestedBy who asked (CLI user, a host evacuation, ...), shown in the status log
 */
public record MoveRequest(
    String moveId,
    MoveType type,
    String instanceId,
    String destHost,
    String flavor,
    Long confirmWindowSeconds,
    String requestedBy) {}
