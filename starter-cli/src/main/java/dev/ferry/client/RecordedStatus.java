package dev.ferry.client;

import dev.ferry.evacuate.EvacuationStatus;
import dev.ferry.model.InstanceMoveStatus;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveSummary;
import dev.ferry.model.MoveType;
import dev.ferry.move.MoveView;
import java.util.List;
import java.util.Objects;

/**
 * One status word per move in every command. An evacuation ends {@code done}; its server's record
 * turns that into {@code completed} once the old host destroyed the stale copy (as Nova), so the
 * record's summary is the later truth: {@code migration show} and {@code migration list} show it as
 * {@code server show} does.
 */
public final class RecordedStatus {
  private RecordedStatus() {}

  /**
   * The statuses moves of {@code type} (null: any) report in the visibility store that may show as
   * {@code shown}: an evacuation shown {@code completed} reported {@code done}.
   */
  static List<String> reportedAs(MoveType type, String shown) {
    if (InstanceMoveStatus.COMPLETED.is(shown) && (type == null || type == MoveType.EVACUATION)) {
      return List.of(shown, EvacuationStatus.DONE.novaName());
    }
    return List.of(shown);
  }

  /** Whether the server's record may hold a later status for this ended move than it reported. */
  static boolean mayChangeAfterClose(MoveType type, String status) {
    return type == MoveType.EVACUATION && EvacuationStatus.DONE.is(status);
  }

  /**
   * The status to show for a move of {@code type} that reported {@code status}: the one the
   * server's record holds for it when that is the later one ({@code completed}), else its own.
   *
   * @param record the server's record; null when it is gone or unknown
   */
  static String of(String moveId, MoveType type, String status, InstanceRecord record) {
    if (record == null || !mayChangeAfterClose(type, status)) {
      return status;
    }
    List<MoveSummary> moves = record.moves == null ? List.of() : record.moves;
    for (MoveSummary m : moves) {
      if (m.moveId().equals(moveId) && InstanceMoveStatus.COMPLETED.is(m.status())) {
        return m.status();
      }
    }
    return status;
  }

  /** {@code view} with the status {@link #of} gives it; the same view when that is its own. */
  static MoveView of(MoveView view, InstanceRecord record) {
    String status = of(view.moveId(), view.type(), view.status(), record);
    if (Objects.equals(status, view.status())) {
      return view;
    }
    return new MoveView(
        view.moveId(),
        view.type(),
        view.instanceId(),
        view.sourceHost(),
        view.destHost(),
        status,
        view.finished(),
        view.log(),
        view.error());
  }
}
