package dev.ferry.instance;

import dev.ferry.model.ClaimCheck;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostRecord;
import dev.ferry.model.MovePreflight;
import dev.ferry.model.MoveType;
import dev.ferry.model.Settings;
import dev.ferry.move.MoveClaims;

/**
 * The refusals of a move that its instance's record alone cannot decide (those are {@link
 * MoveRules}'): the source host's state, the destination's, the hypervisor, capacity, fencing. Each
 * is a typed {@link FerryRejection}; the move's own checks stay as a guard against what changed
 * since.
 */
public final class MovePreflightRules {

  /** What the rules read; the conductor answers from the entities and its configuration. */
  public interface Facts {
    /** The host's record; throws FerryRejection UNKNOWN_HOST when there is none. */
    HostRecord host(String name);

    Settings settings();

    /** Placement's answer to the claim, claiming nothing. */
    ClaimCheck checkClaim(ClaimRequest request);

    /** Throws FerryRejection when {@code method} (null: the default) cannot fence {@code host}. */
    void requireFencing(HostRecord host, MovePreflight preflight);
  }

  private MovePreflightRules() {}

  /**
   * Throws the rejection that says why {@code p} cannot start now; when it can, returns the host it
   * would land on (placement's pick, or the named one).
   */
  public static String check(MovePreflight p, Facts facts) {
    HostRecord source = facts.host(p.source());
    if (p.type() == MoveType.EVACUATION) {
      requireFailed(p, source);
    } else {
      requireAlive(p, source);
    }
    boolean mayStay = MoveClaims.sameHostAllowed(p.type(), facts.settings());
    if (p.destHost() != null) {
      checkDestination(p, source, mayStay, facts);
    }
    ClaimCheck verdict =
        facts.checkClaim(
            MoveClaims.request(
                p.moveId(), p.flavor().resources(), p.destHost(), p.source(), mayStay));
    verdict.require();
    if (p.type() == MoveType.EVACUATION) {
      facts.requireFencing(source, p); // last: what the request names is answered first
    }
    return verdict.host();
  }

  private static void requireAlive(MovePreflight p, HostRecord source) {
    if (source.isAlive()) {
      return;
    }
    throw new FerryRejection(
        Reason.HOST_UNAVAILABLE,
        "source host "
            + source.name
            + " of "
            + p.instanceName()
            + " is "
            + (source.forcedDown ? "forced down" : "DOWN")
            + ": "
            + verb(p.type())
            + " needs its agent; if the host has failed, evacuate the server ('ferry evacuate "
            + p.instanceName()
            + "')");
  }

  private static void requireFailed(MovePreflight p, HostRecord source) {
    if (!source.isAlive()) {
      return;
    }
    throw new FerryRejection(
        Reason.HOST_IN_USE,
        "host "
            + source.name
            + " is UP and not forced down: evacuation is only for a failed host (Nova's"
            + " ComputeServiceInUse). If it has failed, force it down first ('ferry host set-down "
            + source.name
            + "'); to move servers off a running host, migrate them or 'ferry host drain "
            + source.name
            + "'");
  }

  private static void checkDestination(
      MovePreflight p, HostRecord source, boolean mayStay, Facts facts) {
    String dest = p.destHost();
    if (dest.equals(source.name) && !mayStay) {
      throw new FerryRejection(
          Reason.SAME_HOST,
          "server "
              + p.instanceName()
              + " is already on host "
              + dest
              + ": "
              + switch (p.type()) {
                case RESIZE ->
                    "resizing on the same host is not allowed (allowResizeToSameHost is off);"
                        + " pick another host or omit --host";
                case EVACUATION -> "it is the failed host; pick another target host";
                default -> "pick another host or omit --host";
              });
    }
    HostRecord d;
    try {
      d = facts.host(dest);
    } catch (FerryRejection r) {
      if (r.reason() != Reason.UNKNOWN_HOST) {
        throw r;
      }
      throw new FerryRejection(
          Reason.UNKNOWN_HOST, "unknown destination host '" + dest + "': see 'ferry host list'");
    }
    if (!d.isAlive()) {
      throw new FerryRejection(
          Reason.HOST_UNAVAILABLE,
          "destination host "
              + dest
              + " is "
              + (d.forcedDown ? "forced down" : "DOWN (its agent is not running)")
              + ": pick another host or omit --host");
    }
    if (!d.enabled) {
      throw new FerryRejection(
          Reason.HOST_UNAVAILABLE,
          "destination host "
              + dest
              + " is disabled"
              + (d.disabledReason != null ? " (" + d.disabledReason + ")" : "")
              + ": pick another host, or 'ferry host enable "
              + dest
              + "'");
    }
    String mismatch = d.summary().hypervisorMismatch(source.summary());
    if (mismatch != null) {
      throw new FerryRejection(
          Reason.HYPERVISOR_INCOMPATIBLE, mismatch + ": pick another host or omit --host");
    }
  }

  private static String verb(MoveType type) {
    return switch (type) {
      case RESIZE -> "a resize";
      case COLD_MIGRATION -> "a cold migration";
      case LIVE_MIGRATION -> "a live migration";
      case EVACUATION -> "an evacuation";
    };
  }
}
