package dev.ferry.evacuate;

import dev.ferry.live.LiveMigrationStatus;
import dev.ferry.model.InstanceMoveStatus;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveSummary;
import dev.ferry.model.NovaStatus;
import dev.ferry.model.VmState;
import dev.ferry.resize.ResizeStatus;
import java.util.Set;

/** Reads where a move stands from its instance's record (pure: used by the long poll). */
public final class MoveStates {

  /** Final statuses of a move that reached its goal, whatever its kind. */
  public static final Set<NovaStatus> SUCCEEDED =
      Set.of(
          EvacuationStatus.DONE,
          InstanceMoveStatus.COMPLETED,
          LiveMigrationStatus.COMPLETED,
          ResizeStatus.CONFIRMED);

  /** The statuses the long poll reports for a move its instance's record cannot tell about. */
  enum Polled implements NovaStatus {
    /** The instance is gone: its move is closed. */
    INSTANCE_DELETED,
    /** Not started yet as far as the record knows (the start is on its way). */
    UNKNOWN
  }

  private MoveStates() {}

  /** The state of {@code ref}; {@code record} null means the instance is gone (closed). */
  public static MoveState of(MoveRef ref, InstanceRecord record) {
    if (record == null || record.vmState == VmState.DELETED) {
      return new MoveState(
          ref.instanceId(),
          ref.moveId(),
          true,
          Polled.INSTANCE_DELETED.novaName(),
          false,
          null,
          "deleted");
    }
    if (ref.moveId().equals(record.currentMoveId)) {
      return new MoveState(
          ref.instanceId(),
          ref.moveId(),
          false,
          record.currentMoveStatus,
          false,
          record.host,
          null);
    }
    if (record.moves != null) {
      for (MoveSummary m : record.moves) {
        if (ref.moveId().equals(m.moveId())) {
          boolean ok = SUCCEEDED.stream().anyMatch(s -> s.is(m.status()));
          return new MoveState(
              ref.instanceId(),
              ref.moveId(),
              true,
              m.status(),
              ok,
              record.host,
              ok ? null : record.lastError);
        }
      }
    }
    // Not started yet as far as the record knows (the start is on its way): still open.
    return new MoveState(
        ref.instanceId(), ref.moveId(), false, Polled.UNKNOWN.novaName(), false, record.host, null);
  }
}
