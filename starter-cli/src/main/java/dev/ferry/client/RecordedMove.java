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
 * A move as its server's record tells it after it ended: the record is the later truth.
 *
 * <ul>
 *   <li>One status word per move in every command. An evacuation ends {@code done}; its server's
 *       record turns that into {@code completed} once the old host destroyed the stale copy (as
 *       Nova), and {@code migration show}, {@code migration list} and {@code host evacuate} show it
 *       as {@code server show} does.
 *   <li>What the record keeps as its note about the move (e.g. the local data lost) is a note,
 *       never one of the move's errors.
 * </ul>
 */
public final class RecordedMove {
  /** How a move joins its errors ({@code MoveView.of}). */
  private static final String ERROR_SEPARATOR = "; ";

  private RecordedMove() {}

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

  /**
   * {@code view} with the status {@link #of} gives it and without the record's note about it among
   * its errors; the same view when neither changes it.
   */
  static MoveView of(MoveView view, InstanceRecord record) {
    String status = of(view.moveId(), view.type(), view.status(), record);
    String error = withoutNote(view.error(), noteAbout(record, view.moveId()));
    if (Objects.equals(status, view.status()) && Objects.equals(error, view.error())) {
      return view;
    }
    return view.withStatus(status, error);
  }

  /** The record's note when it is about this move (its last one); null otherwise. */
  public static String noteAbout(InstanceRecord record, String moveId) {
    if (record == null || record.note == null || record.note.isBlank()) {
      return null;
    }
    List<MoveSummary> moves = record.moves == null ? List.of() : record.moves;
    return !moves.isEmpty() && moves.get(moves.size() - 1).moveId().equals(moveId)
        ? record.note
        : null;
  }

  /** A move's errors (joined with "; ") without {@code note}; null when nothing else is left. */
  static String withoutNote(String error, String note) {
    if (error == null || note == null || !error.contains(note)) {
      return error;
    }
    String rest = error.replace(ERROR_SEPARATOR + note, "").replace(note + ERROR_SEPARATOR, "");
    rest = rest.equals(note) ? "" : rest;
    return rest.isBlank() ? null : rest;
  }
}
