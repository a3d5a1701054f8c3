package dev.ferry.instance;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavor;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveType;
import dev.ferry.model.ServerAction;
import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;
import dev.ferry.move.WebUiTexts;
import java.util.List;
import java.util.Set;

/**
 * The refusals a server gives when it is busy or in the wrong state, each ending with the {@code
 * ferry} command that gets the operator further.
 */
public final class ServerRefusals {

  /** The actions that may bring a server into a state a request needs, in the order tried. */
  private static final List<ServerAction> WAYS_OUT =
      List.of(ServerAction.UNPAUSE, ServerAction.RESUME, ServerAction.START, ServerAction.STOP);

  private ServerRefusals() {}

  /** A move or an action holds {@code record}: what holds it, and how to wait or stop it. */
  public static FerryRejection busy(InstanceRecord record) {
    String name = record.name;
    String prefix = "server " + name + " is busy with ";
    if (record.currentMoveId == null) {
      return new FerryRejection(
          Reason.INSTANCE_BUSY,
          prefix + record.holder() + "; wait for it to end ('ferry server show " + name + "')");
    }
    MoveType type = record.currentMoveType;
    String move = prefix + WebUiTexts.kind(type) + " " + record.currentMoveId;
    String show = "wait for it to end ('ferry migration show " + name + "')";
    String next;
    if (record.vmState == VmState.RESIZED && record.taskState == TaskState.NONE) {
      next = ", which waits for confirmation: " + confirmOrRevert(name);
    } else if (type == MoveType.LIVE_MIGRATION) {
      next = "; " + show + " or abort it ('ferry live-migration abort " + name + "')";
    } else if (type == MoveType.EVACUATION) {
      next = "; " + show;
    } else {
      next = "; " + show + " or cancel it ('ferry migration cancel " + name + "')";
    }
    return new FerryRejection(Reason.INSTANCE_BUSY, move + next);
  }

  /** Why a server without a flavor on record cannot move: placement has nothing to claim. */
  public static String noFlavor(InstanceRecord record) {
    return "server " + record.name + " has no flavor on record: it cannot be placed on a host";
  }

  /** Why a resize may not give {@code name} a flavor with less disk (Nova refuses it too). */
  public static String diskShrink(String name, Flavor from, Flavor to) {
    return "cannot shrink the disk of "
        + name
        + " from "
        + from.name()
        + "'s "
        + from.diskGb()
        + " GB to "
        + to.name()
        + "'s "
        + to.diskGb()
        + " GB: pick a flavor with at least "
        + from.diskGb()
        + " GB of disk ('ferry flavor list')";
  }

  /** Why a deleted server refuses everything. */
  public static FerryRejection deleted(InstanceRecord record) {
    return new FerryRejection(Reason.INVALID_STATE, "server " + record.name + " is deleted");
  }

  /** Why a server still building refuses what needs it built. */
  public static FerryRejection stillBuilding(InstanceRecord record) {
    return new FerryRejection(
        Reason.INVALID_STATE,
        "server " + record.name + " is still building: " + waitForBuild(record.name));
  }

  /**
   * {@code record} is in a state {@code what} (e.g. "live migration", "pause") does not start from:
   * which states it needs, and the command that brings the server into one, when there is one.
   */
  public static FerryRejection wrongState(
      InstanceRecord record, String what, Set<VmState> allowed, String wayOut) {
    String message =
        "server "
            + record.name
            + " is "
            + record.vmState
            + "; "
            + what
            + " needs one of "
            + allowed;
    return new FerryRejection(
        Reason.INVALID_STATE, wayOut == null ? message : message + ": " + wayOut);
  }

  /**
   * The command that brings {@code record} from its state into one a move of {@code type} starts
   * from, or null when there is none.
   */
  public static String wayOutForMove(InstanceRecord record, MoveType type) {
    String name = record.name;
    if (type == MoveType.EVACUATION
        && (record.vmState == VmState.PAUSED || record.vmState == VmState.SUSPENDED)) {
      // Its host is down: no action can run there, but an ERROR server is evacuated.
      return "if its host has failed, set its state to ERROR first ('ferry server reset-state "
          + name
          + " --error')";
    }
    if (type == MoveType.LIVE_MIGRATION && record.vmState == VmState.STOPPED) {
      return "cold-migrate it instead ('ferry migrate " + name + "')";
    }
    return wayOut(record, MoveRules.allowedStates(type));
  }

  /**
   * The command that gets {@code record} where {@code action} can run: an action that leaves the
   * guest as {@code action} would (unpause rather than start a paused server), else one that brings
   * it into a state {@code action} starts from; null when there is none.
   */
  public static String wayOutForAction(InstanceRecord record, ServerAction action) {
    for (ServerAction instead : WAYS_OUT) {
      if (action.leaves() != null
          && instead.leaves() == action.leaves()
          && instead.allowedFrom().contains(record.vmState)) {
        return instead.novaName() + " it instead (" + command(instead, record.name) + ")";
      }
    }
    return wayOut(record, action.allowedFrom());
  }

  private static String wayOut(InstanceRecord record, Set<VmState> allowed) {
    String name = record.name;
    switch (record.vmState) {
      case BUILDING:
        return waitForBuild(name);
      case RESIZED:
        return record.taskState == TaskState.NONE
            ? "its move waits for confirmation: " + confirmOrRevert(name)
            : null;
      case ERROR:
        return "if its guest is fine, repair its record first ('ferry server reconcile "
            + name
            + "')";
      default:
        break;
    }
    for (ServerAction first : WAYS_OUT) {
      if (first.allowedFrom().contains(record.vmState)
          && allowed.contains(first.leaves().vmState())) {
        return first.novaName() + " it first (" + command(first, name) + ")";
      }
    }
    return null;
  }

  private static String waitForBuild(String name) {
    return "wait for its build to end ('ferry server show " + name + "')";
  }

  private static String confirmOrRevert(String name) {
    return "confirm it ('ferry resize-confirm "
        + name
        + "') or revert it ('ferry resize-revert "
        + name
        + "')";
  }

  private static String command(ServerAction action, String name) {
    return "'ferry server " + action.novaName() + " " + name + "'";
  }
}
