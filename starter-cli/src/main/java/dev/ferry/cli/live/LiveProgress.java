package dev.ferry.cli.live;

import dev.ferry.cli.common.Output;
import dev.ferry.cli.follow.Follower;
import dev.ferry.client.LiveMigrationClient;
import dev.ferry.live.JobProgress;
import dev.ferry.move.MoveView;
import dev.ferry.statemachine.StateMachine.Change;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A followed live migration as it goes: every status change as a line, and the job's progress as a
 * live bar on a terminal, or as plain lines (when something changed, at most every few seconds)
 * otherwise. Nothing with {@code --output json}.
 */
final class LiveProgress implements Follower.Progress {
  static final Duration PLAIN_EVERY = Duration.ofSeconds(2);

  private final Output out;
  private final Supplier<Optional<JobProgress>> job;
  private final boolean terminal;
  private final LongSupplier nanoTime;
  private int logShown;
  private String lastPlain;
  private long lastPlainAt;
  private boolean barShown;

  LiveProgress(LiveMigrationClient live, Output out, String moveId, boolean terminal) {
    this(out, () -> live.progress(moveId), terminal, System::nanoTime);
  }

  /**
   * @param job the running job's progress now; empty when no job runs
   * @param terminal a live bar (a terminal) rather than plain lines
   */
  LiveProgress(
      Output out, Supplier<Optional<JobProgress>> job, boolean terminal, LongSupplier nanoTime) {
    this.out = out;
    this.job = job;
    this.terminal = terminal;
    this.nanoTime = nanoTime;
  }

  @Override
  public void seen(MoveView view, boolean ended) {
    PrintWriter w = out.writer();
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
    if (ended) {
      return;
    }
    if (!out.isJson()) {
      job.get().ifPresent(this::show);
    }
    w.flush();
  }

  private void show(JobProgress progress) {
    PrintWriter w = out.writer();
    if (terminal) {
      w.print("\r\033[K" + LiveViews.bar(progress));
      barShown = true;
      return;
    }
    String line = LiveViews.line(progress);
    long now = nanoTime.getAsLong();
    if (!line.equals(lastPlain) && now - lastPlainAt >= PLAIN_EVERY.toNanos()) {
      w.println("  " + line);
      lastPlain = line;
      lastPlainAt = now;
    }
  }

  @Override
  public void close() {
    PrintWriter w = out.writer();
    if (barShown) {
      w.println();
      barShown = false;
    }
    w.flush();
  }

  static String statusLine(Change c) {
    String to = c.to().toLowerCase().replace('_', '-');
    return "status: "
        + to
        + (c.event() != null ? " (" + c.event().toLowerCase().replace('_', '-') + ")" : "")
        + (c.actor() != null && !"ferry".equals(c.actor()) ? " by " + c.actor() : "");
  }
}
