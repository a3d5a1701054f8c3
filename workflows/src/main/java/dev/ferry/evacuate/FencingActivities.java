package dev.ferry.evacuate;

import io.temporal.activity.ActivityInterface;

/**
 * Fencing, on the conductor's queue: never on the queue of the host being fenced (that agent is
 * what died). Methods are pluggable ({@link FenceMethods}); a method that cannot fence fails, and
 * the evacuation then rebuilds nothing.
 */
@ActivityInterface(namePrefix = "Fencing")
public interface FencingActivities {
  /**
   * Fences, or fails: non-retryably with type {@link FenceMethods#NOT_CONFIGURED} or {@link
   * FenceMethods#UNKNOWN_METHOD}, retryably with {@link FenceMethods#FAILED}.
   */
  FenceResult fence(FenceRequest request);
}
