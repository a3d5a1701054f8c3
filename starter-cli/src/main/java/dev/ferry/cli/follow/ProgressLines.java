package dev.ferry.cli.follow;

import dev.ferry.cli.common.Output;
import dev.ferry.move.MoveView;
import dev.ferry.statemachine.StateMachine.Change;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A followed move as it goes: every status change as a line, and what it does now as one updating
 * line on a terminal, or as plain lines (when it changed, at most every few seconds) otherwise.
 * Nothing with {@code --output json}: the JSON is the end result alone.
 */
public class ProgressLines implements Follower.Progress {
  public static final Duration PLAIN_EVERY = Duration.ofSeconds(2);

  /** What the move does now: the updating line on a terminal, the plain line otherwise. */
  public record Shown(String bar, String line) {}

  private final Output out;
  private final Function<MoveView, Optional<Shown>> now;
  private final boolean terminal;
  private final LongSupplier nanoTime;
  private int logShown;
  private String lastPlain;
  private long lastPlainAt;
  private boolean barShown;

  /**
   * @param now what the move of a view still going does now; empty when there is nothing to show
   * @param terminal an updating line (a terminal) rather than plain lines
   */
  public ProgressLines(
      Output out,
      Function<MoveView, Optional<Shown>> now,
      boolean terminal,
      LongSupplier nanoTime) {
    this.out = out;
    this.now = now;
    this.terminal = terminal;
    this.nanoTime = nanoTime;
  }

  @Override
  public void seen(MoveView view, boolean ended) {
    if (out.isJson()) {
      return;
    }
    PrintWriter w = out.writer();
    for (int i = logShown; i < view.log().size(); i++) {
      clearBar(w);
      w.println(statusLine(view.log().get(i)));
    }
    logShown = view.log().size();
    if (!ended) {
      now.apply(view).ifPresent(this::show);
    }
    w.flush();
  }

  private void show(Shown shown) {
    PrintWriter w = out.writer();
    if (terminal) {
      w.print("\r\033[K" + shown.bar());
      barShown = true;
      return;
    }
    long at = nanoTime.getAsLong();
    if (!shown.line().equals(lastPlain) && at - lastPlainAt >= PLAIN_EVERY.toNanos()) {
      w.println("  " + shown.line());
      lastPlain = shown.line();
      lastPlainAt = at;
    }
  }

  private void clearBar(PrintWriter w) {
    if (barShown) {
      w.print("\r\033[K");
      barShown = false;
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

  /** A status change as {@code --wait} prints it: {@code status: migrating (event) by actor}. */
  public static String statusLine(Change c) {
    String to = c.to().toLowerCase().replace('_', '-');
    return "status: "
        + to
        + (c.event() != null ? " (" + c.event().toLowerCase().replace('_', '-') + ")" : "")
        + (c.actor() != null && !"ferry".equals(c.actor()) ? " by " + c.actor() : "");
  }
}
