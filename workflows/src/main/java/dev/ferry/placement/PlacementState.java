package dev.ferry.placement;

import dev.ferry.model.Claim;
import dev.ferry.model.HostSummary;
import dev.ferry.model.Settings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Placement's whole state, carried across continue-as-new. Ordered maps keep runs deterministic.
 */
public final class PlacementState {
  public Settings settings = Settings.DEFAULTS;
  public Map<String, HostSummary> hosts = new LinkedHashMap<>();
  public Map<String, Claim> claims = new LinkedHashMap<>();

  /** instance id -> name. */
  public Map<String, String> instances = new LinkedHashMap<>();
}
