package dev.ferry.placement;

import dev.ferry.model.PlacementView.HostUsage;
import dev.ferry.model.Resources;

/**
 * Placement's rule for whether a host can take a claim, for callers outside placement that read its
 * view (the client's quick refusals), so the rule lives once: {@link PlacementRules#unfitReason}.
 */
public final class HostFit {
  private HostFit() {}

  /** The host is UP, enabled, and has {@code needs} free. */
  public static boolean fits(HostUsage usage, Resources needs) {
    return PlacementRules.unfitReason(usage, needs) == null;
  }
}
