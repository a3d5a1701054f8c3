package dev.ferry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.evacuate.EvacuationStatus;
import dev.ferry.live.LiveMigrationStatus;
import dev.ferry.model.MoveType;
import dev.ferry.move.MoveView;
import dev.ferry.resize.ResizeStatus;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Where following each kind of move ends, read from the status every move answers. */
class MoveEndTest {
  private static final String MOVE = "11111111-1111-4111-8111-111111111111";

  /** A move's status view with {@code status}; {@code finished} as the move would say it. */
  static MoveView view(String status, boolean finished) {
    return new MoveView(MOVE, MoveType.RESIZE, "i1", "a", "b", status, finished, List.of(), null);
  }

  private static <S extends Enum<S>> void assertEndsExactlyAt(
      MoveEnd<S> end, Class<S> type, Set<S> ends, Function<S, String> wire) {
    for (S s : type.getEnumConstants()) {
      // the move's finished flag is left false: the typed status alone decides
      assertEquals(ends.contains(s), end.reached(view(wire.apply(s), false)), s.name());
      assertEquals(Optional.of(s), end.status(view(wire.apply(s), false)), s.name());
    }
  }

  @Test
  void aResizeOrColdMigrationIsFollowedUntilVerifyResizeOrItsEnd() {
    assertEndsExactlyAt(
        MoveEnd.RESIZE_PARKED,
        ResizeStatus.class,
        EnumSet.of(
            ResizeStatus.FINISHED,
            ResizeStatus.CONFIRMED,
            ResizeStatus.REVERTED,
            ResizeStatus.CANCELLED,
            ResizeStatus.ERROR),
        ResizeStatus::novaName);
    assertEndsExactlyAt(
        MoveEnd.RESIZE_ENDED,
        ResizeStatus.class,
        EnumSet.of(
            ResizeStatus.CONFIRMED,
            ResizeStatus.REVERTED,
            ResizeStatus.CANCELLED,
            ResizeStatus.ERROR),
        ResizeStatus::novaName);
  }

  @Test
  void aLiveMigrationIsFollowedUntilItCompletedFailedWasCancelledOrBroke() {
    assertEndsExactlyAt(
        MoveEnd.LIVE_MIGRATION_ENDED,
        LiveMigrationStatus.class,
        EnumSet.of(
            LiveMigrationStatus.COMPLETED,
            LiveMigrationStatus.FAILED,
            LiveMigrationStatus.CANCELLED,
            LiveMigrationStatus.ERROR),
        LiveMigrationStatus::novaName);
  }

  @Test
  void anEvacuationIsFollowedUntilDoneFailedOrError() {
    assertEndsExactlyAt(
        MoveEnd.EVACUATION_ENDED,
        EvacuationStatus.class,
        EnumSet.of(EvacuationStatus.DONE, EvacuationStatus.FAILED, EvacuationStatus.ERROR),
        EvacuationStatus::novaName);
  }

  @Test
  void anyOfTheSpellingsIsTheSameStatus() {
    for (String s : List.of("pre-migrating", "PRE_MIGRATING", " Pre-Migrating ")) {
      assertEquals(Optional.of(ResizeStatus.PRE_MIGRATING), MoveEnd.parse(ResizeStatus.class, s));
    }
    assertEquals(Optional.empty(), MoveEnd.parse(ResizeStatus.class, "done"));
    assertTrue(MoveEnd.RESIZE_ENDED.is(view("ERROR", true), ResizeStatus.ERROR));
    assertFalse(MoveEnd.RESIZE_ENDED.is(view("done", true), ResizeStatus.ERROR));
    assertEquals(Optional.empty(), MoveEnd.parse(ResizeStatus.class, null));
  }

  @Test
  void aStatusTheKindDoesNotHaveEndsTheFollowWhenTheMoveSaysItFinished() {
    // an evacuation named where a resize was expected: its own finished flag decides
    assertFalse(MoveEnd.RESIZE_PARKED.reached(view("accepted", false)));
    assertTrue(MoveEnd.RESIZE_PARKED.reached(view("done", true)));
  }

  @Test
  void aMoveThatDoesNotEndInTimeIsAFailureSayingWhereItIsAndThatItGoesOn() {
    Polling.Watch<MoveView> watch =
        MoveWatch.of(MOVE, () -> view("migrating", false), MoveEnd.RESIZE_PARKED::reached);
    FerryFailure f =
        assertThrows(
            FerryFailure.class,
            () ->
                new Polling(new FakeTicker(), Duration.ofMillis(200))
                    .until(watch, Duration.ofSeconds(90)));
    assertEquals(
        "move "
            + MOVE
            + " is still migrating after 90 s; it goes on: follow it with 'ferry migration show "
            + MOVE
            + "'",
        f.getMessage());
    assertEquals(
        "move "
            + MOVE
            + " has not started after 0.7 s; it goes on: follow it with 'ferry migration show "
            + MOVE
            + "'",
        watch.timedOut(null, Duration.ofMillis(700)).getMessage());
  }
}
