package dev.ferry.cli.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.cli.ExitStatus;
import dev.ferry.client.FakeTicker;
import dev.ferry.client.FerryFailure;
import dev.ferry.client.Polling;
import dev.ferry.client.WaitTimedOut;
import dev.ferry.evacuate.EvacuationStatus;
import dev.ferry.evacuate.HostMovesView;
import dev.ferry.live.LiveMigrationStatus;
import dev.ferry.live.LiveMigrationView;
import dev.ferry.model.MoveType;
import dev.ferry.move.MoveView;
import dev.ferry.resize.ResizeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * How a followed move's end is judged (each terminal status; a failure is exit 1 with the same line
 * as before), and how following a live migration ends or runs out of time.
 */
class FollowerTest {
  private static final String MOVE = "22222222-2222-4222-8222-222222222222";

  private static MoveView view(MoveType type, String status, boolean finished, String error) {
    return new MoveView(MOVE, type, "i1", "a", "b", status, finished, List.of(), error);
  }

  private static LiveMigrationView live(String abortedBy) {
    return new LiveMigrationView(
        MOVE,
        "i1",
        "web1",
        "a",
        "b",
        "cancelled",
        true,
        true,
        false,
        null,
        null,
        null,
        null,
        null,
        abortedBy,
        null,
        false,
        null,
        null,
        null);
  }

  /** Exit 1, with exactly this message. */
  private static void assertFails(String message, Executable check) {
    FerryFailure f = assertThrows(FerryFailure.class, check);
    assertEquals(message, f.getMessage());
    assertEquals(ExitStatus.FAILED, ExitStatus.of(f));
  }

  /** Exit 7 (the move goes on), with exactly this message. */
  private static void assertTimesOut(String message, Executable check) {
    WaitTimedOut f = assertThrows(WaitTimedOut.class, check);
    assertEquals(message, f.getMessage());
    assertEquals(ExitStatus.TIMED_OUT, ExitStatus.of(f));
  }

  @Test
  void aMoveStartedWithoutWaitSaysHowToFollowIt() {
    assertEquals(
        "evacuation "
            + MOVE
            + " of server web1 started; follow it with: ferry migration show "
            + MOVE,
        Follower.started("evacuation", MOVE, "web1"));
  }

  @Test
  void aResizeThatEndedInErrorOrWasCancelledFailsAndEveryOtherEndIsFine() {
    assertFails(
        "resize "
            + MOVE
            + " of server web1 failed: disk full; see 'ferry migration show "
            + MOVE
            + "'",
        () ->
            Follower.requireResizeOk(
                view(MoveType.RESIZE, "error", true, "disk full"), MOVE, "resize", "web1"));
    assertFails(
        "migration "
            + MOVE
            + " of server web1 failed: no reason recorded; see 'ferry migration"
            + " show "
            + MOVE
            + "'",
        () ->
            Follower.requireResizeOk(
                view(MoveType.COLD_MIGRATION, "error", true, null), MOVE, "migration", "web1"));
    assertFails(
        "migration " + MOVE + " of server web1 was cancelled: the server stays on a",
        () ->
            Follower.requireResizeOk(
                view(MoveType.COLD_MIGRATION, "cancelled", true, null), MOVE, "migration", "web1"));
    for (ResizeStatus s : ResizeStatus.values()) {
      MoveView v = view(MoveType.RESIZE, s.novaName(), false, null);
      if (s != ResizeStatus.ERROR && s != ResizeStatus.CANCELLED) {
        Follower.requireResizeOk(v, MOVE, "resize", "web1");
      }
      assertEquals(s == ResizeStatus.FINISHED, Follower.parked(v), s.name());
    }
  }

  @Test
  void anEvacuationThatFailedOrEndedInErrorFailsWithItsStatus() {
    for (EvacuationStatus s : EvacuationStatus.values()) {
      MoveView v = view(MoveType.EVACUATION, s.novaName(), false, "fencing refused");
      if (s == EvacuationStatus.FAILED || s == EvacuationStatus.ERROR) {
        assertFails(
            "evacuation "
                + MOVE
                + " of server web1 "
                + s.novaName()
                + ": fencing refused; see 'ferry migration show "
                + MOVE
                + "'",
            () -> Follower.requireEvacuationOk(v, MOVE, "web1"));
      } else {
        Follower.requireEvacuationOk(v, MOVE, "web1");
      }
    }
  }

  @Test
  void aLiveMigrationIsFineOnlyWhenItCompleted() {
    Follower.requireLiveCompleted(
        view(MoveType.LIVE_MIGRATION, "completed", true, null), MOVE, live(null), "web1");
    assertFails(
        "live migration " + MOVE + " of server web1 was cancelled by bob: the server stays on a",
        () ->
            Follower.requireLiveCompleted(
                view(MoveType.LIVE_MIGRATION, "cancelled", true, null), MOVE, live("bob"), "web1"));
    assertFails(
        "live migration " + MOVE + " of server web1 was cancelled: the server stays on a",
        () ->
            Follower.requireLiveCompleted(
                view(MoveType.LIVE_MIGRATION, "cancelled", true, null), MOVE, null, "web1"));
    for (LiveMigrationStatus s : List.of(LiveMigrationStatus.FAILED, LiveMigrationStatus.ERROR)) {
      assertFails(
          "live migration "
              + MOVE
              + " of server web1 ended "
              + s.novaName()
              + " (aborted by bob): lost the host; see 'ferry migration show "
              + MOVE
              + "'",
          () ->
              Follower.requireLiveCompleted(
                  view(MoveType.LIVE_MIGRATION, s.novaName(), true, "lost the host"),
                  MOVE,
                  live("bob"),
                  "web1"));
    }
  }

  @Test
  void aHostRunIsFineOnlyWhenDone() {
    Follower.requireHostMovesDone("host-drain:a", hostRun("done"));
    assertFails(
        "host-drain:a ended partial: 7 server(s) not moved",
        () -> Follower.requireHostMovesDone("host-drain:a", hostRun("partial")));
    assertFails(
        "host-drain:a ended cancelled: 7 server(s) not moved",
        () -> Follower.requireHostMovesDone("host-drain:a", hostRun("cancelled")));
  }

  private static HostMovesView hostRun(String status) {
    // pending 1, running 2, done 3, failed 4: 1 + 2 + 4 not moved
    return new HostMovesView("host-drain", "a", status, 1, 1, 2, 3, 4, 5, List.of());
  }

  /** Records what the follow showed: each view with whether it ended, and the closing. */
  private static final class Recorded implements Follower.Progress {
    final List<String> events = new ArrayList<>();

    @Override
    public void seen(MoveView view, boolean ended) {
      events.add(view.status() + (ended ? " (ended)" : ""));
    }

    @Override
    public void close() {
      events.add("closed");
    }
  }

  private static LiveWatch liveWatch(Recorded progress, String... statuses) {
    Iterator<String> next = List.of(statuses).iterator();
    String[] last = {null};
    return new LiveWatch(
        MOVE,
        "web1",
        () -> {
          if (next.hasNext()) {
            last[0] = next.next();
          }
          return view(MoveType.LIVE_MIGRATION, last[0], false, null);
        },
        progress);
  }

  @Test
  void followingALiveMigrationEndsOnEachTerminalStatusAndShowsEveryView() {
    for (LiveMigrationStatus end :
        List.of(
            LiveMigrationStatus.COMPLETED,
            LiveMigrationStatus.FAILED,
            LiveMigrationStatus.CANCELLED,
            LiveMigrationStatus.ERROR)) {
      Recorded progress = new Recorded();
      MoveView last =
          new Polling(new FakeTicker(), Follower.FOLLOW_POLL)
              .until(
                  liveWatch(progress, "queued", "running", end.novaName(), "never polled"),
                  Duration.ofMinutes(1));
      assertEquals(end.novaName(), last.status());
      assertEquals(
          List.of("queued", "running", end.novaName() + " (ended)"), progress.events, end.name());
    }
  }

  @Test
  void aLiveMigrationStillGoingAfterTheTimeoutClosesItsProgressAndTimesOutSayingItGoesOn() {
    Recorded progress = new Recorded();
    FakeTicker ticker = new FakeTicker();
    assertTimesOut(
        "live migration "
            + MOVE
            + " of server web1 is still running after 2 s; it goes on:"
            + " follow it with 'ferry migration show "
            + MOVE
            + "'",
        () ->
            new Polling(ticker, Follower.FOLLOW_POLL)
                .until(liveWatch(progress, "running"), Duration.ofSeconds(2)));
    assertEquals("closed", progress.events.get(progress.events.size() - 1));
    assertFalse(progress.events.contains("running (ended)"));
    // polled every half second: at 0, 0.5, ..., 2.0 s within the deadline, 2.5 s past it
    assertEquals(5, ticker.sleeps.size());
    assertTrue(ticker.sleeps.stream().allMatch(Follower.FOLLOW_POLL::equals));
  }
}
