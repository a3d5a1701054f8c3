package dev.ferry.client;

import static dev.ferry.client.ClientContext.unknownHost;
import static dev.ferry.client.ClientContext.unknownInstance;
import static dev.ferry.client.Inputs.label;
import static dev.ferry.client.Inputs.nullToEmpty;
import static dev.ferry.client.Inputs.requirePositive;
import static dev.ferry.client.PlacementRules.canTake;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavor;
import dev.ferry.model.Flavors;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.model.PlacementView;
import dev.ferry.model.PlacementView.HostUsage;
import dev.ferry.model.Resources;
import dev.ferry.model.VmState;
import dev.ferry.move.MoveView;
import dev.ferry.placement.HostFit;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * Cold moves ({@code ferry migrate}, {@code resize}, {@code resize-confirm}, {@code resize-revert},
 * {@code migration cancel}): a cold migration is a resize to the same flavor, both park in
 * VERIFY_RESIZE until confirmed, reverted or auto-confirmed. Obtained from {@link
 * FerryClient#resizes()}.
 */
public final class ResizeClient {
  private static final Set<VmState> MOVABLE = EnumSet.of(VmState.ACTIVE, VmState.STOPPED);

  private final ClientContext ctx;
  private final HostsClient hosts;
  private final ServersClient servers;
  private final MovesClient moves;
  private final ResizeDecisions decisions;

  ResizeClient(
      ClientContext ctx,
      HostsClient hosts,
      ServersClient servers,
      MovesClient moves,
      ResizeDecisions decisions) {
    this.ctx = ctx;
    this.hosts = hosts;
    this.servers = servers;
    this.moves = moves;
    this.decisions = decisions;
  }

  /**
   * Cold-migrates a server; returns the move id.
   *
   * @param destHost null lets the scheduler pick
   * @param confirmWindow auto-confirm window; null = the cluster default, zero = wait for the
   *     operator
   */
  public String migrate(String server, String destHost, Duration confirmWindow) {
    return startMove(MoveType.COLD_MIGRATION, server, null, destHost, confirmWindow);
  }

  /** Resizes a server to another flavor; returns the move id. */
  public String resize(String server, String flavor, String destHost, Duration confirmWindow) {
    if (flavor == null || flavor.isBlank()) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "a flavor is required for a resize");
    }
    return startMove(MoveType.RESIZE, server, flavor, destHost, confirmWindow);
  }

  /**
   * Confirms the resize (or cold migration) that waits in VERIFY_RESIZE; answers once it is carried
   * out ({@code confirmed}: the source cleaned up), within the slow-update deadline.
   */
  public MoveView confirm(String server) {
    return decide(server, true, null);
  }

  /**
   * As {@link #confirm(String)}, waiting up to {@code wait} in all, also until the server's record
   * has let go of the move (so the next move of the server is not refused as busy).
   */
  public MoveView confirm(String server, Duration wait) {
    return decide(server, true, wait);
  }

  /** Reverts the resize (or cold migration) that waits in VERIFY_RESIZE. */
  public MoveView revert(String server) {
    return decide(server, false, null);
  }

  /** As {@link #revert(String)}, also waiting until the server's record has let go of the move. */
  public MoveView revert(String server, Duration wait) {
    return decide(server, false, wait);
  }

  /**
   * Cancels the server's resize or cold migration (a workflow cancel, never a terminate) and
   * answers once it has ended: {@code cancelled} (compensated: back on its source, claim returned,
   * nothing left on the destination), {@code reverted} when it waited in VERIFY_RESIZE, or the
   * status it reached when it was already confirming or reverting. A live migration is aborted
   * instead.
   */
  public MoveView cancel(String server, Duration timeout) {
    InstanceRecord record = servers.get(server);
    String label = label(record);
    String moveId = record.currentMoveId;
    if (moveId == null) {
      throw new FerryRejection(
          Reason.NOTHING_PENDING, "server " + label + " has no move in progress");
    }
    if (record.currentMoveType == MoveType.LIVE_MIGRATION) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT,
          "server "
              + label
              + " is live-migrating: abort it with 'ferry live-migration abort "
              + label
              + "'");
    }
    if (record.currentMoveType == MoveType.EVACUATION) {
      throw new FerryRejection(
          Reason.INVALID_STATE,
          "server " + label + " is being evacuated from a failed host: an evacuation goes on");
    }
    ctx.call(
        "cancel move " + moveId + " of server " + label,
        () -> {
          ctx.client.newUntypedWorkflowStub(Names.moveWorkflowId(moveId)).cancel();
          return null;
        },
        () -> new FerryRejection(Reason.NOTHING_PENDING, "move " + moveId + " has ended"));
    return moves.await(moveId, MoveEnd.RESIZE_ENDED, timeout);
  }

  // ---------------------------------------------------------------- internals

  private String startMove(
      MoveType type, String server, String flavorName, String destHost, Duration confirmWindow) {
    InstanceRecord record = servers.get(server);
    String label = label(record);
    requireMovable(type, record);
    Flavor flavor = record.flavor;
    if (type == MoveType.RESIZE) {
      flavor = Flavors.require(flavorName);
      if (record.flavor != null && flavor.name().equals(record.flavor.name())) {
        throw new FerryRejection(
            Reason.INVALID_ARGUMENT,
            "server " + label + " already has flavor " + flavor.name() + ": pick another flavor");
      }
    }
    if (flavor == null) {
      throw new FerryRejection(
          Reason.INVALID_STATE, "server " + label + " has no flavor on record: cannot place it");
    }
    Long windowSeconds = null;
    if (confirmWindow != null) {
      if (confirmWindow.isNegative()) {
        throw new FerryRejection(
            Reason.INVALID_ARGUMENT,
            "the confirm window cannot be negative (0 waits for the operator)");
      }
      windowSeconds = confirmWindow.toSeconds();
    }
    requireRoom(type, record, flavor, destHost);

    String moveId = ctx.newId();
    MoveRequest request =
        new MoveRequest(
            moveId,
            type,
            record.id,
            destHost,
            type == MoveType.RESIZE ? flavor.name() : null,
            windowSeconds,
            ctx.user);
    ctx.call(
        "start " + (type == MoveType.RESIZE ? "resize" : "migration") + " of server " + label,
        () -> ctx.instanceStub(record.id).startMove(request),
        () -> unknownInstance(server));
    return moveId;
  }

  private static void requireMovable(MoveType type, InstanceRecord record) {
    String label = label(record);
    if (record.isBusy()) {
      throw Inputs.busy(record);
    }
    if (!MOVABLE.contains(record.vmState)) {
      throw new FerryRejection(
          Reason.INVALID_STATE,
          "server "
              + label
              + " is "
              + record.vmState
              + ": only ACTIVE or STOPPED servers can be "
              + (type == MoveType.RESIZE ? "resized" : "migrated"));
    }
  }

  /** The named destination, or some host, can take the server with {@code flavor}. */
  private void requireRoom(MoveType type, InstanceRecord record, Flavor flavor, String destHost) {
    String label = label(record);
    PlacementView view = hosts.placement();
    boolean sameHostAllowed =
        type == MoveType.RESIZE
            && view.settings() != null
            && view.settings().allowResizeToSameHost();
    Resources onOther = flavor.resources();
    Resources onSame = PlacementRules.growth(record.flavor, flavor);
    if (destHost != null) {
      Names.requireValidName("host", destHost);
      HostUsage usage =
          PlacementRules.findHost(view, destHost).orElseThrow(() -> unknownHost(destHost));
      boolean same = destHost.equals(record.host);
      if (same && !sameHostAllowed) {
        throw new FerryRejection(
            Reason.SAME_HOST,
            type == MoveType.RESIZE
                ? "server "
                    + label
                    + " is already on host "
                    + destHost
                    + " and resizing on the same host is not allowed"
                    + " (allowResizeToSameHost is off): pick another host or omit --host"
                : "server "
                    + label
                    + " is already on host "
                    + destHost
                    + ": pick another host or omit --host");
      }
      PlacementRules.requireUsable(usage);
      Resources needed = same ? onSame : onOther;
      if (!HostFit.fits(usage, needed)) { // usable, so only room can be missing
        throw new FerryRejection(
            Reason.INSUFFICIENT_CAPACITY,
            "host "
                + destHost
                + " has not enough free capacity for flavor "
                + flavor.name()
                + " (free "
                + PlacementRules.format(usage.free())
                + ", needed "
                + PlacementRules.format(needed)
                + "): pick another host or omit --host");
      }
      return;
    }
    for (HostUsage u : nullToEmpty(view.hosts())) {
      boolean same = u.host().name().equals(record.host);
      if (same ? sameHostAllowed && canTake(u, onSame) : canTake(u, onOther)) {
        return;
      }
    }
    throw new FerryRejection(
        Reason.NO_VALID_HOST,
        "no host can take server "
            + label
            + " with flavor "
            + flavor.name()
            + ": every other host is down, disabled or full; see 'ferry host list'");
  }

  private MoveView decide(String server, boolean confirm, Duration wait) {
    Duration checked = wait == null ? null : requirePositive(wait, "wait timeout");
    long started = System.nanoTime();
    InstanceRecord record = servers.get(server);
    MoveView view = decisions.decide(record, confirm, checked);
    if (checked != null) {
      Duration left = checked.minusNanos(System.nanoTime() - started);
      decisions.awaitReleased(record, view.moveId(), left.isNegative() ? Duration.ZERO : left);
    }
    return view;
  }
}
