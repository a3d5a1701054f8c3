package dev.ferry.cli.live;

import dev.ferry.cli.Output;
import dev.ferry.client.FerryFailure;
import dev.ferry.client.LiveMigrationClient;
import dev.ferry.client.MovesClient;
import dev.ferry.live.JobProgress;
import dev.ferry.live.LiveMigrationView;
import dev.ferry.move.MoveView;
import dev.ferry.statemachine.StateMachine.Change;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;

/**
 * Follows a live migration to its end: every status change as a line, and the job's progress as a
 * live bar on a terminal, or as plain lines (when something changed, at most every few seconds)
 * otherwise.
 */
final class LiveFollower {
  static final Duration POLL = Duration.ofMillis(500);
  static final Duration PLAIN_EVERY = Duration.ofSeconds(2);

  private final MovesClient moves;
  private final LiveMigrationClient live;
  private final Output out;
  private final boolean terminal;

  LiveFollower(MovesClient moves, LiveMigrationClient live, Output out, boolean terminal) {
    this.moves = moves;
    this.live = live;
    this.out = out;
    this.terminal = terminal;
  }

  /** Returns the final view; throws {@link FerryFailure} unless the migration completed. */
  LiveMigrationView follow(String moveId, String server, Duration timeout) {
    PrintWriter w = out.writer();
    long deadline = System.nanoTime() + timeout.toNanos();
    int logShown = 0;
    String lastPlain = null;
    long lastPlainAt = 0;
    boolean barShown = false;
    MoveView view;
    while (true) {
      view = moves.get("move:" + moveId);
      if (!out.isJson()) {
        for (int i = logShown; i < view.log().size(); i++) {
          if (barShown) {
            w.print("\r\033[K");
            barShown = false;
          }
          w.println(statusLine(view.log().get(i)));
        }
        logShown = view.log().size();
      }
      if (view.finished()) {
        break;
      }
      if (!out.isJson()) {
        Optional<JobProgress> progress = live.progress(moveId);
        if (progress.isPresent()) {
          if (terminal) {
            w.print("\r\033[K" + LiveViews.bar(progress.get()));
            barShown = true;
          } else {
            String line = LiveViews.line(progress.get());
            long now = System.nanoTime();
            if (!line.equals(lastPlain) && now - lastPlainAt >= PLAIN_EVERY.toNanos()) {
              w.println("  " + line);
              lastPlain = line;
              lastPlainAt = now;
            }
          }
        }
      }
      w.flush();
      if (System.nanoTime() > deadline) {
        if (barShown) {
          w.println();
        }
        throw new FerryFailure(
            "live migration "
                + moveId
                + " of server "
                + server
                + " is still "
                + view.status()
                + " after "
                + timeout.toSeconds()
                + " s; it goes on: follow it with 'ferry migration show "
                + moveId
                + "'");
      }
      sleep();
    }
    if (barShown) {
      w.println();
    }
    w.flush();
    LiveMigrationView live = this.live.view(moveId);
    if ("cancelled".equals(view.status())) {
      throw new FerryFailure(
          "live migration "
              + moveId
              + " of server "
              + server
              + " was cancelled"
              + (live != null && live.abortRequestedBy() != null
                  ? " by " + live.abortRequestedBy()
                  : "")
              + ": the server stays on "
              + view.sourceHost());
    }
    if (!"completed".equals(view.status())) {
      throw new FerryFailure(
          "live migration "
              + moveId
              + " of server "
              + server
              + " ended "
              + view.status()
              + (live != null && live.abortRequestedBy() != null
                  ? " (aborted by " + live.abortRequestedBy() + ")"
                  : "")
              + ": "
              + (view.error() != null ? view.error() : "no reason recorded")
              + "; see 'ferry migration show "
              + moveId
              + "'");
    }
    return live;
  }

  static String statusLine(Change c) {
    String to = c.to().toLowerCase().replace('_', '-');
    return "status: "
        + to
        + (c.event() != null ? " (" + c.event().toLowerCase().replace('_', '-') + ")" : "")
        + (c.actor() != null && !"ferry".equals(c.actor()) ? " by " + c.actor() : "");
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FerryFailure("interrupted while following the live migration", e);
    }
  }
}
