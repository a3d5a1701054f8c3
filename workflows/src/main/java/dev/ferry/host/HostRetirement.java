package dev.ferry.host;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import java.util.List;

/**
 * When a host's own record lets it be deleted (`host delete`, Nova's compute service delete): it
 * registered once and is gone for good. Pure, shared by the HostWorkflow's validator and handler;
 * what is claimed on the host placement checks ({@code PlacementRules.requireForgettable}).
 */
public final class HostRetirement {
  private HostRetirement() {}

  /**
   * Throws HOST_IN_USE while the host's agent runs, a live migration holds or waits for one of its
   * slots, or it owes clean-ups (only its agent can do them).
   *
   * @param leaseHeld a lease of any incarnation is running: an agent is alive there
   */
  public static void requireRetirable(HostRecord host, boolean leaseHeld) {
    String name = host.name;
    if (host.status == HostStatus.UP || leaseHeld) {
      throw new FerryRejection(
          Reason.HOST_IN_USE,
          "host '"
              + name
              + "' has a running agent"
              + (host.forcedDown ? " (it is forced down, but its agent holds the lease)" : "")
              + ": stop its agent first");
    }
    List<String> moves = new MigrationSlots(host).owners();
    if (!moves.isEmpty()) {
      throw new FerryRejection(
          Reason.HOST_IN_USE,
          "host '"
              + name
              + "' has "
              + moves.size()
              + " live migration(s) holding or waiting for its outbound slots (moves "
              + String.join(", ", moves)
              + "): let them end first");
    }
    if (!host.cleanup.isEmpty()) {
      throw new FerryRejection(
          Reason.HOST_IN_USE,
          "host '"
              + name
              + "' owes "
              + host.cleanup.size()
              + " clean-up(s) (stale copies of servers that now live elsewhere): they need its"
              + " agent; start it once so it does them, stop it, then delete the host");
    }
  }
}
