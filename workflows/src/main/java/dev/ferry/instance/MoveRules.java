package dev.ferry.instance;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavor;
import dev.ferry.model.Flavors;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveType;
import dev.ferry.model.VmState;
import dev.ferry.move.WebUiTexts;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Which moves an instance accepts in which state (Nova's @check_instance_state), and by whom. */
public final class MoveRules {

  private static final Map<MoveType, Set<VmState>> ALLOWED_STATES =
      Map.of(
          MoveType.COLD_MIGRATION, EnumSet.of(VmState.ACTIVE, VmState.STOPPED),
          MoveType.RESIZE, EnumSet.of(VmState.ACTIVE, VmState.STOPPED),
          MoveType.LIVE_MIGRATION, EnumSet.of(VmState.ACTIVE, VmState.PAUSED),
          // Nova evacuates ACTIVE, STOPPED and ERROR instances (its host is gone: any state).
          MoveType.EVACUATION, EnumSet.of(VmState.ACTIVE, VmState.STOPPED, VmState.ERROR));

  private MoveRules() {}

  /** The vm states a move of {@code type} starts from. */
  public static Set<VmState> allowedStates(MoveType type) {
    return ALLOWED_STATES.get(type);
  }

  /**
   * The move that already answers {@code request}, or null: the same move id, running or in the
   * history (a retried request, e.g. from a host evacuation resumed after a crash, never starts a
   * second one); or, for an evacuation, the evacuation already running (Nova returns it too).
   */
  public static String existingMove(InstanceRecord record, MoveRequest request) {
    if (request == null || request.moveId() == null) {
      return null;
    }
    if (request.moveId().equals(record.currentMoveId)) {
      return record.currentMoveId;
    }
    if (request.type() == MoveType.EVACUATION
        && record.isBusy()
        && record.currentMoveType == MoveType.EVACUATION) {
      return record.currentMoveId;
    }
    if (record.moves != null
        && record.moves.stream().anyMatch(m -> request.moveId().equals(m.moveId()))) {
      return request.moveId();
    }
    return null;
  }

  /** Throws the rejection that says why {@code record} cannot start {@code request} now. */
  public static void check(InstanceRecord record, MoveRequest request) {
    if (request == null || request.moveId() == null || request.type() == null) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "a move needs a move id and a type");
    }
    if (!record.id.equals(request.instanceId())) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT,
          "move " + request.moveId() + " is for server " + request.instanceId());
    }
    if (existingMove(record, request) != null) {
      return; // startMove answers with that move: idempotent
    }
    if (record.isBusy()) {
      throw ServerRefusals.busy(record);
    }
    Set<VmState> allowed = allowedStates(request.type());
    if (!allowed.contains(record.vmState)) {
      throw ServerRefusals.wrongState(
          record,
          WebUiTexts.kind(request.type()),
          allowed,
          ServerRefusals.wayOutForMove(record, request.type()));
    }
    if (record.flavor == null) {
      throw new FerryRejection(Reason.INVALID_STATE, ServerRefusals.noFlavor(record));
    }
    if (request.type() == MoveType.RESIZE) {
      checkNewFlavor(record, request.flavor());
    }
    if (request.confirmWindowSeconds() != null && request.confirmWindowSeconds() < 0) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT,
          "the confirm window cannot be negative (0 waits for the operator)");
    }
    if (request.type() == MoveType.LIVE_MIGRATION && request.liveOptions() != null) {
      String invalid = request.liveOptions().invalidReason();
      if (invalid != null) {
        throw new FerryRejection(Reason.INVALID_ARGUMENT, invalid);
      }
    }
  }

  /**
   * A resize's flavor: known, another one, and with room for the disk (Nova refuses a flavor whose
   * root disk is smaller than the current one's, and one smaller than the disk the server has).
   */
  private static void checkNewFlavor(InstanceRecord record, String flavorName) {
    if (flavorName == null || flavorName.isBlank()) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "a resize needs a new flavor");
    }
    Flavor to = Flavors.require(flavorName);
    Flavor from = record.flavor;
    if (to.name().equals(from.name())) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT,
          "server "
              + record.name
              + " already has flavor "
              + to.name()
              + ": pick another flavor ('ferry flavor list')");
    }
    if (to.diskGb() < from.diskGb()) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT, ServerRefusals.diskShrink(record.name, from, to));
    }
    if (record.diskSizeMb > to.diskGb() * 1024L) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT,
          "server "
              + record.name
              + "'s disk is "
              + record.diskSizeMb
              + " MiB, more than flavor "
              + to.name()
              + "'s "
              + to.diskGb()
              + " GB: pick a larger flavor ('ferry flavor list')");
    }
  }
}
