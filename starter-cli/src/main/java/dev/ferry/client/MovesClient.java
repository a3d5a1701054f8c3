package dev.ferry.client;

import static dev.ferry.client.ClientContext.seconds;
import static dev.ferry.client.Inputs.requirePositive;
import static dev.ferry.client.Inputs.stripMovePrefix;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.Names;
import dev.ferry.move.MoveView;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Any move's status view, by server or move id, and waiting for a status ({@code ferry migration
 * show}, {@code --wait}). Obtained from {@link FerryClient#moves()}.
 */
public final class MovesClient {
  private final ClientContext ctx;
  private final ServersClient servers;

  MovesClient(ClientContext ctx, ServersClient servers) {
    this.ctx = ctx;
    this.servers = servers;
  }

  /**
   * A move by server (its current move, else its last one) or by move id ({@code <uuid>} or {@code
   * move:<uuid>}).
   */
  public MoveView get(String serverOrMoveId) {
    if (serverOrMoveId == null || serverOrMoveId.isBlank()) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "a server or move id is required");
    }
    if (serverOrMoveId.startsWith("move:")) {
      return requireMove(stripMovePrefix(serverOrMoveId));
    }
    InstanceRecord record;
    try {
      record = servers.get(serverOrMoveId);
    } catch (FerryRejection r) {
      if (r.reason() == Reason.UNKNOWN_INSTANCE && Names.isUuid(serverOrMoveId)) {
        MoveView view = view(serverOrMoveId);
        if (view != null) {
          return view;
        }
        throw new FerryRejection(
            Reason.UNKNOWN_INSTANCE,
            "no server or move '" + serverOrMoveId + "': see 'ferry server list'");
      }
      throw r;
    }
    String moveId = record.currentMoveId;
    if (moveId == null && record.moves != null && !record.moves.isEmpty()) {
      moveId = record.moves.get(record.moves.size() - 1).moveId();
    }
    if (moveId == null) {
      throw new FerryRejection(
          Reason.NOTHING_PENDING, "server " + record.name + " has never been moved");
    }
    return requireMove(moveId);
  }

  /**
   * Polls a move's {@code status} query until its status is one of {@code untilStatuses} (any
   * spelling: {@code finished}, {@code FINISHED}; {@code pre-migrating}, {@code PRE_MIGRATING}) or
   * it has finished.
   */
  public MoveView await(String moveId, Set<String> untilStatuses, Duration timeout) {
    String id = stripMovePrefix(moveId);
    Duration wait = requirePositive(timeout, "timeout");
    Set<String> until =
        untilStatuses == null
            ? Set.of()
            : untilStatuses.stream().map(MovesClient::normalizeStatus).collect(Collectors.toSet());
    long deadline = System.nanoTime() + wait.toNanos();
    MoveView last = null;
    while (true) {
      last = view(id);
      if (last != null && (last.finished() || until.contains(normalizeStatus(last.status())))) {
        return last;
      }
      if (System.nanoTime() > deadline) {
        throw new FerryFailure(
            "move "
                + id
                + (last == null ? " has not started" : " is still " + last.status())
                + " after "
                + seconds(wait)
                + "; it goes on: follow it with 'ferry migration show "
                + id
                + "'");
      }
      ClientContext.sleep(ClientContext.POLL);
    }
  }

  /** {@code pre-migrating}, {@code PRE_MIGRATING} and {@code Pre_Migrating} are one status. */
  public static String normalizeStatus(String status) {
    return status == null ? "" : status.trim().toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private MoveView requireMove(String moveId) {
    MoveView view = view(moveId);
    if (view == null) {
      throw new FerryRejection(
          Reason.UNKNOWN_INSTANCE,
          "no move "
              + moveId
              + " on Temporal at "
              + ctx.target
              + " (its history may have expired)");
    }
    return view;
  }

  /** The move's status view; null when there is no such move workflow. */
  private MoveView view(String moveId) {
    String workflowId = Names.moveWorkflowId(moveId);
    try {
      return ctx.call(
          "query move " + moveId,
          () -> ctx.client.newUntypedWorkflowStub(workflowId).query("status", MoveView.class),
          () -> new FerryRejection(Reason.UNKNOWN_INSTANCE, "no move " + moveId));
    } catch (FerryRejection r) {
      if (r.reason() == Reason.UNKNOWN_INSTANCE) {
        return null;
      }
      throw r;
    }
  }
}
