package dev.ferry.evacuate;

import dev.ferry.model.NovaStatus;

/**
 * Nova's migration statuses for an evacuation. The move ends at {@code done}; {@code completed} is
 * recorded later on the instance, once the old host destroyed its stale copy on return.
 */
public enum EvacuationStatus implements NovaStatus {
  /** Checked and fencing: nothing touched yet. */
  ACCEPTED,
  /** Fenced: claiming a destination and rebuilding the instance there. */
  PRE_MIGRATING,
  /** Rebuilt on the destination; the stale copy is on the old host's cleanup list. */
  DONE,
  /** Refused before anything was touched (source still in use, fencing failed): nothing changed. */
  FAILED,
  /** The rebuild failed after fencing; what the move created was removed. */
  ERROR
}
