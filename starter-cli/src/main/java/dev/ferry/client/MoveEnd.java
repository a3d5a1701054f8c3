package dev.ferry.client;

import dev.ferry.evacuate.EvacuationStateTable;
import dev.ferry.evacuate.EvacuationStatus;
import dev.ferry.live.LiveMigrationStateTable;
import dev.ferry.live.LiveMigrationStatus;
import dev.ferry.move.MoveView;
import dev.ferry.resize.ResizeStateTable;
import dev.ferry.resize.ResizeStatus;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Where following one kind of move ends, decided on its typed status. A move answers its status as
 * its status enum's Nova spelling ({@code pre-migrating}); that string is read back into the enum
 * here, once, and the move's state table says which statuses are final.
 *
 * @param <S> the move's status enum
 */
public final class MoveEnd<S extends Enum<S>> {

  /** A resize or cold migration parked in VERIFY_RESIZE ({@code finished}), or ended. */
  public static final MoveEnd<ResizeStatus> RESIZE_PARKED =
      new MoveEnd<>(
          ResizeStatus.class, s -> s == ResizeStatus.FINISHED || ResizeStateTable.TABLE.isFinal(s));

  /** A resize or cold migration that has ended: confirmed, reverted, cancelled or error. */
  public static final MoveEnd<ResizeStatus> RESIZE_ENDED =
      new MoveEnd<>(ResizeStatus.class, ResizeStateTable.TABLE::isFinal);

  /** A live migration that has ended: completed, failed, cancelled or error. */
  public static final MoveEnd<LiveMigrationStatus> LIVE_MIGRATION_ENDED =
      new MoveEnd<>(LiveMigrationStatus.class, LiveMigrationStateTable.TABLE::isFinal);

  /** An evacuation that has ended: done, failed or error. */
  public static final MoveEnd<EvacuationStatus> EVACUATION_ENDED =
      new MoveEnd<>(EvacuationStatus.class, EvacuationStateTable.TABLE::isFinal);

  private final Class<S> statuses;
  private final Predicate<S> ends;

  private MoveEnd(Class<S> statuses, Predicate<S> ends) {
    this.statuses = statuses;
    this.ends = ends;
  }

  /** The move's status as this kind's enum; empty when it reports a status this kind lacks. */
  public Optional<S> status(MoveView view) {
    return parse(statuses, view.status());
  }

  /** The move's status is {@code expected}. */
  public boolean is(MoveView view, S expected) {
    return status(view).orElse(null) == expected;
  }

  /**
   * Following the move ends here. A status this kind of move does not have (another kind of move
   * was named) ends it when the move itself says it has finished.
   */
  public boolean reached(MoveView view) {
    return status(view).map(ends::test).orElse(view.finished());
  }

  /**
   * {@code status} in any spelling ({@code pre-migrating}, {@code PRE_MIGRATING}) as a constant of
   * {@code type}; empty when it names none.
   */
  public static <S extends Enum<S>> Optional<S> parse(Class<S> type, String status) {
    String name = MovesClient.normalizeStatus(status);
    for (S s : type.getEnumConstants()) {
      if (s.name().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
