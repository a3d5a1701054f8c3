package dev.ferry.cli.follow;

import dev.ferry.cli.common.Output;
import dev.ferry.cli.common.StepViews;
import dev.ferry.client.FerryClient;
import dev.ferry.client.FerryFailure;
import dev.ferry.client.HostRunStatus;
import dev.ferry.client.MoveEnd;
import dev.ferry.client.Polling;
import dev.ferry.client.RunningStep;
import dev.ferry.client.WaitTimedOut;
import dev.ferry.evacuate.EvacuationStatus;
import dev.ferry.evacuate.HostMovesView;
import dev.ferry.live.LiveMigrationStatus;
import dev.ferry.live.LiveMigrationView;
import dev.ferry.model.FerryRejection;
import dev.ferry.move.MoveView;
import dev.ferry.resize.ResizeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What every {@code --wait} of a move (and of a host-wide run) goes through: it follows the move
 * until its typed status says the wait is over (see {@link MoveEnd}), within the wait's timeout,
 * and turns an end that is not a success into a {@link FerryFailure} (exit 1). A wait that runs out
 * throws {@link dev.ferry.client.WaitTimedOut} (exit 7); the move goes on.
 */
public final class Follower {
  /**
   * How often a followed move is asked again: each time its view, and its step's progress when it
   * is shown (a second call); half a second keeps an updating line fluid.
   */
  static final Duration FOLLOW_POLL = Duration.ofMillis(500);

  private final FerryClient client;

  public Follower(FerryClient client) {
    this.client = client;
  }

  /** The line a move started without {@code --wait} prints: what started, and how to follow it. */
  public static String started(String noun, String moveId, String server) {
    return noun
        + " "
        + moveId
        + " of server "
        + server
        + " started; follow it with: ferry migration show "
        + moveId;
  }

  /** Shows a followed move's progress as it goes (e.g. a live migration's status lines). */
  public interface Progress {
    /** Every view polled; {@code ended} when it is the last one. */
    void seen(MoveView view, boolean ended);

    /** The follow is over (ended or out of time): finish what is shown. */
    void close();
  }

  /**
   * {@code migrate} / {@code resize --wait}: until the move waits in VERIFY_RESIZE or has ended.
   *
   * @param noun {@code migration} or {@code resize}, as messages name the move
   * @throws FerryFailure when it ended in error, or is still going after {@code timeout}
   */
  public MoveView resize(
      String moveId, String noun, String server, Duration timeout, Progress progress) {
    MoveView view = follow(client.moves().watch(moveId, MoveEnd.RESIZE_PARKED), timeout, progress);
    requireResizeOk(view, moveId, noun, server);
    return view;
  }

  /**
   * The progress every move but a live migration shows: its status changes and the step it runs (a
   * disk copy's bytes, rate and time left; what a shutdown waits for). A step that cannot be read
   * is not shown: the wait goes on. One updating line where {@link Output#updatesInPlace}, plain
   * lines otherwise.
   */
  public Progress steps(Output out, String moveId) {
    return new ProgressLines(
        out,
        view -> {
          Optional<RunningStep> step;
          try {
            step = client.moves().step(moveId);
          } catch (FerryFailure | FerryRejection unreadable) {
            return Optional.empty();
          }
          Instant now = Instant.now();
          return step.map(
              s ->
                  new ProgressLines.Shown(
                      StepViews.bar(s, view, now), StepViews.line(s, view, now)));
        },
        out.updatesInPlace(),
        System::nanoTime);
  }

  /** Polls {@code watch}, every answer shown to {@code progress}, closed when the wait is over. */
  private static MoveView follow(
      Polling.Watch<MoveView> watch, Duration timeout, Progress progress) {
    Polling.Watch<MoveView> shown =
        new Polling.Watch<>() {
          @Override
          public MoveView poll() {
            return watch.poll();
          }

          @Override
          public boolean ended(MoveView answer) {
            return watch.ended(answer);
          }

          @Override
          public void seen(MoveView answer) {
            progress.seen(answer, watch.ended(answer));
          }

          @Override
          public WaitTimedOut timedOut(MoveView last, Duration t) {
            return watch.timedOut(last, t);
          }
        };
    try {
      return Polling.every(FOLLOW_POLL).until(shown, timeout);
    } finally {
      progress.close();
    }
  }

  /** The move waits in VERIFY_RESIZE for a confirm or revert. */
  public static boolean parked(MoveView view) {
    return MoveEnd.RESIZE_PARKED.is(view, ResizeStatus.FINISHED);
  }

  static void requireResizeOk(MoveView view, String moveId, String noun, String server) {
    if (MoveEnd.RESIZE_PARKED.is(view, ResizeStatus.CANCELLED)) {
      throw new FerryFailure(
          noun
              + " "
              + moveId
              + " of server "
              + server
              + " was cancelled: the server stays on "
              + view.sourceHost());
    }
    if (MoveEnd.RESIZE_PARKED.is(view, ResizeStatus.ERROR)) {
      throw new FerryFailure(
          noun
              + " "
              + moveId
              + " of server "
              + server
              + " failed: "
              + reason(view)
              + "; see 'ferry migration show "
              + moveId
              + "'");
    }
  }

  /**
   * {@code evacuate --wait}: until the evacuation has ended. Its status is the one {@code server
   * show} gives it ({@code completed} once the old host destroyed the stale copy).
   *
   * @throws FerryFailure when it failed or ended in error, or is still going after {@code timeout}
   */
  public MoveView evacuation(String moveId, String server, Duration timeout, Progress progress) {
    MoveView view =
        follow(client.moves().watch(moveId, MoveEnd.EVACUATION_ENDED), timeout, progress);
    requireEvacuationOk(view, moveId, server);
    return client.moves().asRecorded(view);
  }

  static void requireEvacuationOk(MoveView view, String moveId, String server) {
    if (MoveEnd.EVACUATION_ENDED.is(view, EvacuationStatus.FAILED)
        || MoveEnd.EVACUATION_ENDED.is(view, EvacuationStatus.ERROR)) {
      throw new FerryFailure(
          "evacuation "
              + moveId
              + " of server "
              + server
              + " "
              + view.status()
              + ": "
              + reason(view)
              + "; see 'ferry migration show "
              + moveId
              + "'");
    }
  }

  /**
   * {@code live-migrate --wait}: until the live migration has ended, showing every view to {@code
   * progress}. Returns the migration's own view.
   *
   * @throws FerryFailure unless it completed, or when it is still going after {@code timeout}
   */
  public LiveMigrationView live(String moveId, String server, Duration timeout, Progress progress) {
    MoveView view =
        Polling.every(FOLLOW_POLL)
            .until(
                new LiveWatch(moveId, server, () -> client.moves().get("move:" + moveId), progress),
                timeout);
    progress.close();
    LiveMigrationView live = client.live().view(moveId);
    requireLiveCompleted(view, moveId, live, server);
    return live;
  }

  static void requireLiveCompleted(
      MoveView view, String moveId, LiveMigrationView live, String server) {
    String abortedBy = live != null ? live.abortRequestedBy() : null;
    if (MoveEnd.LIVE_MIGRATION_ENDED.is(view, LiveMigrationStatus.CANCELLED)) {
      throw new FerryFailure(
          "live migration "
              + moveId
              + " of server "
              + server
              + " was cancelled"
              + (abortedBy != null ? " by " + abortedBy : "")
              + ": the server stays on "
              + view.sourceHost());
    }
    if (!MoveEnd.LIVE_MIGRATION_ENDED.is(view, LiveMigrationStatus.COMPLETED)) {
      throw new FerryFailure(
          "live migration "
              + moveId
              + " of server "
              + server
              + " ended "
              + view.status()
              + (abortedBy != null ? " (aborted by " + abortedBy + ")" : "")
              + ": "
              + reason(view)
              + "; see 'ferry migration show "
              + moveId
              + "'");
    }
  }

  /**
   * {@code host drain} / {@code host evacuate --wait}: until the run is no longer running. Its
   * outcome is for the caller to print first, then to check with {@link #requireHostMovesDone}.
   *
   * @throws dev.ferry.client.WaitTimedOut when it is still running after {@code timeout}
   */
  public HostMovesView hostMoves(String workflowId, Duration timeout) {
    return client.evacuation().awaitHostMoves(workflowId, timeout);
  }

  /**
   * @throws FerryFailure unless every server of the run was moved or skipped
   */
  public static void requireHostMovesDone(String workflowId, HostMovesView view) {
    if (HostRunStatus.of(view).orElse(null) != HostRunStatus.DONE) {
      throw new FerryFailure(
          workflowId
              + " ended "
              + view.status()
              + ": "
              + (view.failed() + view.pending() + view.running())
              + " server(s) not moved");
    }
  }

  private static String reason(MoveView view) {
    return view.error() != null ? view.error() : "no reason recorded";
  }
}
