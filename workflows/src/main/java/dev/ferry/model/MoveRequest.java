package dev.ferry.model;

/**
 * A request to move an instance, given to its InstanceWorkflow's {@code startMove}.
 *
 * @param destHost null lets the scheduler pick
 * @param flavor the new flavor's name for a resize; null keeps the current flavor
 * @param confirmWindowSeconds resize auto-confirm window; null = the global default, 0 = wait for
 *     the operator (the one wait without a timer)
 * @param requestedBy who asked (CLI user, a host evacuation, ...), shown in the status log
 * @param fenceMethod an evacuation's fencing method ({@code confirmed-off}, {@code
 *     libvirt-destroy}, ...); null = the conductor's default. Ignored by other moves.
 * @param liveOptions a live migration's options (null fields: the cluster defaults); null for other
 *     moves
 */
public record MoveRequest(
    String moveId,
    MoveType type,
    String instanceId,
    String destHost,
    String flavor,
    Long confirmWindowSeconds,
    String requestedBy,
    String fenceMethod,
    LiveMigrationOptions liveOptions) {

  /** A request without live-migration options (every move but a live migration). */
  public MoveRequest(
      String moveId,
      MoveType type,
      String instanceId,
      String destHost,
      String flavor,
      Long confirmWindowSeconds,
      String requestedBy,
      String fenceMethod) {
    this(
        moveId,
        type,
        instanceId,
        destHost,
        flavor,
        confirmWindowSeconds,
        requestedBy,
        fenceMethod,
        null);
  }

  /** A request without a fencing method (every move but an evacuation). */
  public MoveRequest(
      String moveId,
      MoveType type,
      String instanceId,
      String destHost,
      String flavor,
      Long confirmWindowSeconds,
      String requestedBy) {
    this(moveId, type, instanceId, destHost, flavor, confirmWindowSeconds, requestedBy, null, null);
  }
}
