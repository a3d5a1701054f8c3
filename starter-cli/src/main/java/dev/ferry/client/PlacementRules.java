package dev.ferry.client;

import static dev.ferry.client.Inputs.nullToEmpty;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavor;
import dev.ferry.model.HostStatus;
import dev.ferry.model.HostSummary;
import dev.ferry.model.PlacementView;
import dev.ferry.model.PlacementView.HostUsage;
import dev.ferry.model.Resources;
import dev.ferry.placement.HostFit;
import java.util.Comparator;
import java.util.Optional;

/**
 * The client's own reading of placement's view: which host can take what. Quick refusals only;
 * placement's validators decide.
 */
final class PlacementRules {
  private PlacementRules() {}

  /** An alive, enabled host with room for the flavor and the most free memory. */
  static String pickHost(PlacementView view, Flavor flavor, String forWhat) {
    return nullToEmpty(view.hosts()).stream()
        .filter(u -> canTake(u, flavor.resources()))
        .max(
            Comparator.comparingInt((HostUsage u) -> u.free().memoryMb())
                .thenComparing(u -> u.host().name(), Comparator.reverseOrder()))
        .map(u -> u.host().name())
        .orElseThrow(
            () ->
                new FerryRejection(
                    Reason.NO_VALID_HOST,
                    "no host can take "
                        + forWhat
                        + " with flavor "
                        + flavor.name()
                        + ": every host is down, disabled or full; see 'ferry host list'"));
  }

  static Optional<HostUsage> findHost(PlacementView view, String name) {
    return nullToEmpty(view.hosts()).stream()
        .filter(u -> u.host() != null && name.equals(u.host().name()))
        .findFirst();
  }

  /**
   * Placement's own rule ({@link HostFit}: UP, enabled, {@code needed} free), and not forced down:
   * the client refuses a forced-down host by its flag.
   */
  static boolean canTake(HostUsage u, Resources needed) {
    return !u.host().forcedDown() && HostFit.fits(u, needed);
  }

  static void requireUsable(HostUsage u) {
    HostSummary h = u.host();
    if (h.forcedDown()) {
      throw new FerryRejection(
          Reason.HOST_UNAVAILABLE,
          "host " + h.name() + " is forced down: pick another host, or 'ferry host set-up' it");
    }
    if (h.status() != HostStatus.UP) {
      throw new FerryRejection(
          Reason.HOST_UNAVAILABLE,
          "host " + h.name() + " is DOWN (its agent is not running): pick another host");
    }
    if (!h.enabled()) {
      throw new FerryRejection(
          Reason.HOST_UNAVAILABLE,
          "host "
              + h.name()
              + " is disabled: pick another host, or 'ferry host enable "
              + h.name()
              + "'");
    }
  }
}
