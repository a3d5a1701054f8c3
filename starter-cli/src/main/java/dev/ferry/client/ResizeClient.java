package dev.ferry.client;

import static dev.ferry.client.ClientContext.unknownInstance;
import static dev.ferry.client.Inputs.label;
import static dev.ferry.client.Inputs.requirePositive;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.move.MoveView;
import dev.ferry.resize.ResizeStatus;
import java.time.Duration;

/**
 * Cold moves ({@code ferry migrate}, {@code resize}, {@code resize-confirm}, {@code resize-revert},
 * {@code migration cancel}): a cold migration is a resize to the same flavor, both park in
 * VERIFY_RESIZE until confirmed, reverted or auto-confirmed. Obtained from {@link
 * FerryClient#resizes()}.
 */
public final class ResizeClient {
  private final ClientContext ctx;
  private final ServersClient servers;
  private final MovesClient moves;
  private final ResizeDecisions decisions;

  ResizeClient(
      ClientContext ctx, ServersClient servers, MovesClient moves, ResizeDecisions decisions) {
    this.ctx = ctx;
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
          "server "
              + label
              + " is being evacuated from a failed host: an evacuation cannot be cancelled;"
              + " follow it with 'ferry migration show "
              + label
              + "'");
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

  /**
   * Asks the server's record to start the move. Whether it may (busy, state, flavor, window,
   * destination, room) is the record's to decide: its refusal comes back typed, nothing started.
   */
  private String startMove(
      MoveType type, String server, String flavorName, String destHost, Duration confirmWindow) {
    if (destHost != null) {
      Names.requireValidName("host", destHost);
    }
    InstanceRecord record = servers.get(server);
    String moveId = ctx.newId();
    MoveRequest request =
        new MoveRequest(
            moveId,
            type,
            record.id,
            destHost,
            flavorName,
            confirmWindow == null ? null : confirmWindow.toSeconds(),
            ctx.user);
    ctx.call(
        "start "
            + (type == MoveType.RESIZE ? "resize" : "migration")
            + " of server "
            + label(record),
        () -> ctx.instanceStub(record.id).startMove(request),
        () -> unknownInstance(server));
    return moveId;
  }

  /**
   * The decision was carried out: the move ended {@code confirmed} or {@code reverted} as asked.
   *
   * @throws FerryFailure otherwise (e.g. it ended in error): what happened instead
   */
  private static void requireDecided(MoveView view, boolean confirm, String label) {
    ResizeStatus expected = confirm ? ResizeStatus.CONFIRMED : ResizeStatus.REVERTED;
    if (!MoveEnd.RESIZE_ENDED.is(view, expected)) {
      throw new FerryFailure(
          (confirm ? "the confirm" : "the revert")
              + " of move "
              + view.moveId()
              + " of server "
              + label
              + " did not happen: the move is "
              + view.status()
              + (view.error() != null ? " (" + view.error() + ")" : "")
              + "; see 'ferry migration show "
              + view.moveId()
              + "'");
    }
  }

  private MoveView decide(String server, boolean confirm, Duration wait) {
    Duration checked = wait == null ? null : requirePositive(wait, "wait timeout");
    long started = System.nanoTime();
    InstanceRecord record = servers.get(server);
    MoveView view = decisions.decide(record, confirm, checked);
    requireDecided(view, confirm, label(record));
    if (checked != null) {
      Duration left = checked.minusNanos(System.nanoTime() - started);
      decisions.awaitReleased(record, view.moveId(), left.isNegative() ? Duration.ZERO : left);
    }
    return view;
  }
}
