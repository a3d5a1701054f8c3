package dev.ferry.model;

/**
 * Work a host owes when it returns: e.g. destroy the stale copy of an instance that now lives
 * elsewhere. The agent runs its list before it polls work.
 *
 * @param epochAtMost only copies tagged with this epoch or older are removed
 * @param evacuationMoveId set by an evacuation for its stale source copy: once the item is done,
 *     the agent records that evacuation {@code completed} on the instance; null otherwise
 */
public record CleanupItem(
    String id,
    Kind kind,
    String instanceId,
    long epochAtMost,
    String diskPath,
    String reason,
    String evacuationMoveId) {

  public CleanupItem(
      String id, Kind kind, String instanceId, long epochAtMost, String diskPath, String reason) {
    this(id, kind, instanceId, epochAtMost, diskPath, reason, null);
  }

  /** What to do. */
  public enum Kind {
    /** Destroy and undefine the domain; keep its disk (it may be on shared storage). */
    REMOVE_STALE_DOMAIN,
    /** Destroy and undefine the domain and delete its host-local disk. */
    REMOVE_DOMAIN_AND_DISK
  }
}
