package dev.ferry.cli.follow;

import dev.ferry.client.MoveEnd;
import dev.ferry.client.Polling;
import dev.ferry.client.WaitTimedOut;
import dev.ferry.move.MoveView;
import java.time.Duration;
import java.util.function.Supplier;

/** Following a live migration to its end, every view shown to its {@link Follower.Progress}. */
final class LiveWatch implements Polling.Watch<MoveView> {
  private final String moveId;
  private final String server;
  private final Supplier<MoveView> view;
  private final Follower.Progress progress;

  LiveWatch(String moveId, String server, Supplier<MoveView> view, Follower.Progress progress) {
    this.moveId = moveId;
    this.server = server;
    this.view = view;
    this.progress = progress;
  }

  @Override
  public MoveView poll() {
    return view.get();
  }

  @Override
  public void seen(MoveView answer) {
    progress.seen(answer, ended(answer));
  }

  @Override
  public boolean ended(MoveView answer) {
    return MoveEnd.LIVE_MIGRATION_ENDED.reached(answer);
  }

  @Override
  public WaitTimedOut timedOut(MoveView last, Duration timeout) {
    progress.close();
    return new WaitTimedOut(
        "live migration "
            + moveId
            + " of server "
            + server
            + " is still "
            + last.status()
            + " after "
            + timeout.toSeconds()
            + " s; it goes on: follow it with 'ferry migration show "
            + moveId
            + "'");
  }
}
