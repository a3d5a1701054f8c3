package dev.ferry.client;

import static dev.ferry.client.ClientContext.seconds;

import dev.ferry.move.MoveView;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting for a move's status view to reach a point (see {@link MoveEnd}); a wait that runs out
 * says where the move still is, and that it goes on.
 */
public final class MoveWatch {
  private MoveWatch() {}

  /**
   * @param moveId the move's id, without {@code move:}
   * @param view the move's view now; null while there is no such move (not started yet)
   * @param until true for the view that ends the wait
   */
  public static Polling.Watch<MoveView> of(
      String moveId, Supplier<MoveView> view, Predicate<MoveView> until) {
    return Polling.watch(view, until, (last, timeout) -> stillGoing(moveId, last, timeout));
  }

  private static WaitTimedOut stillGoing(String moveId, MoveView last, Duration timeout) {
    return new WaitTimedOut(
        "move "
            + moveId
            + (last == null ? " has not started" : " is still " + last.status())
            + " after "
            + seconds(timeout)
            + "; it goes on: follow it with 'ferry migration show "
            + moveId
            + "'");
  }
}
