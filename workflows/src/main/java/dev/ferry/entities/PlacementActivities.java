package dev.ferry.entities;

import dev.ferry.model.Claim;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.Settings;
import dev.ferry.placement.Admission;
import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * Workflows' way to the PlacementWorkflow (a workflow cannot send an Update to another workflow):
 * conductor activities holding a client. A placement rejection becomes a non-retryable failure
 * whose type is {@code FerryRejection.<reason>}.
 */
@ActivityInterface(namePrefix = "Placement")
public interface PlacementActivities {
  /** Claims resources; idempotent by consumer id. */
  Claim claim(ClaimRequest request);

  /** Admits an instance (name + claim), as `server create` does; idempotent by instance id. */
  Claim admit(Admission admission);

  /** Releases a consumer's claim; nothing to do when it has none. */
  void release(String consumerId);

  /**
   * Re-keys {@code from}'s claim to {@code to}, replacing what {@code to} held (allocation swap).
   */
  void swap(String fromConsumerId, String toConsumerId);

  /** Removes an instance from the name index and releases its claim. */
  void forgetInstance(String instanceId);

  /** PlacementWorkflow.forgetHost: refused (HOST_IN_USE) while anything is claimed on it. */
  void forgetHost(String host);

  Settings settings();

  /** The name of every host placement knows, in its order. */
  List<String> hostNames();
}
