package dev.ferry.entities;

import dev.ferry.model.MovePreflight;
import io.temporal.activity.ActivityInterface;

/**
 * A move's checks that need more than the instance's own record (its hosts' records, placement, the
 * fencing configuration), made on the conductor before the move starts, so that a refusal leaves no
 * move behind.
 */
@ActivityInterface(namePrefix = "MovePreflight")
public interface MovePreflightActivities {
  /**
   * Returns the host the move would land on now when it can start; otherwise fails non-retryably
   * with the FerryRejection type that says why. Changes nothing.
   */
  String check(MovePreflight preflight);
}
