package dev.ferry.model;

import java.util.List;
import java.util.Map;

/** Placement's answer to `host list` and `server list`: hosts with usage, and the name index. */
public record PlacementView(
    Settings settings, List<HostUsage> hosts, List<Claim> claims, Map<String, String> instances) {

  /** A host, its capacity and what is claimed on it. */
  public record HostUsage(HostSummary host, Resources capacity, Resources used) {
    public Resources free() {
      return capacity.minus(used);
    }
  }
}
