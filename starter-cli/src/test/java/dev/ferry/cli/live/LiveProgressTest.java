package dev.ferry.cli.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.cli.common.Output;
import dev.ferry.cli.common.OutputFormat;
import dev.ferry.live.JobProgress;
import dev.ferry.model.MoveType;
import dev.ferry.move.MoveView;
import dev.ferry.statemachine.StateMachine.Change;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@code live-migrate --wait} prints while it follows: status lines, then progress. */
class LiveProgressTest {
  private static final long SECOND = 1_000_000_000L;

  private final StringWriter printed = new StringWriter();
  private final List<Change> log = new ArrayList<>();
  private Optional<JobProgress> job = Optional.empty();
  private int jobAsked;
  private long now = 100 * SECOND;

  private LiveProgress progress(OutputFormat format, boolean terminal) {
    return new LiveProgress(
        new Output(new PrintWriter(printed), format),
        () -> {
          jobAsked++;
          return job;
        },
        terminal,
        () -> now);
  }

  private MoveView view(String status) {
    return new MoveView(
        "m1", MoveType.LIVE_MIGRATION, "i1", "a", "b", status, false, List.copyOf(log), null);
  }

  private String take() {
    String s = printed.toString();
    printed.getBuffer().setLength(0);
    return s;
  }

  @Test
  void plainOutputShowsEachStatusChangeOnceAndProgressWhenItChangedAtMostEveryTwoSeconds() {
    LiveProgress p = progress(OutputFormat.table, false);
    log.add(new Change(null, null, "QUEUED", 1, "ferry"));
    job = Optional.of(JobProgress.starting(0, "go"));
    p.seen(view("queued"), false);
    assertEquals("status: queued\n  starting  elapsed 0.0 s  (go)\n", take());

    p.seen(view("queued"), false); // nothing new
    now += 3 * SECOND;
    p.seen(view("queued"), false); // the same progress line is not repeated
    assertEquals("", take());

    log.add(new Change("QUEUED", "SLOT_GRANTED", "PREPARING", 2, "ferry"));
    job = Optional.of(JobProgress.starting(0, "again"));
    p.seen(view("preparing"), false);
    assertEquals("status: preparing (slot-granted)\n  starting  elapsed 0.0 s  (again)\n", take());

    job = Optional.of(JobProgress.starting(0, "soon after"));
    now += SECOND;
    p.seen(view("preparing"), false); // changed, but within two seconds of the last line
    assertEquals("", take());

    log.add(new Change("PREPARING", "ABORTED", "CANCELLED", 3, "bob"));
    int asked = jobAsked;
    p.seen(view("cancelled"), true);
    p.close();
    assertEquals("status: cancelled (aborted) by bob\n", take());
    assertEquals(asked, jobAsked, "the job's progress is not asked once the move has ended");
  }

  @Test
  void onATerminalProgressIsOneBarThatAStatusLineReplacesAndTheEndFinishesWithANewline() {
    LiveProgress p = progress(OutputFormat.table, true);
    log.add(new Change(null, null, "RUNNING", 1, "ferry"));
    JobProgress running = JobProgress.starting(0, "go");
    job = Optional.of(running);
    p.seen(view("running"), false);
    assertEquals("status: running\n\r\033[K" + LiveViews.bar(running), take());

    log.add(new Change("RUNNING", "SWITCHED_OVER", "POST_MIGRATING", 2, "ferry"));
    job = Optional.empty();
    p.seen(view("post-migrating"), false);
    assertEquals("\r\033[Kstatus: post-migrating (switched-over)\n", take());

    job = Optional.of(running);
    p.seen(view("post-migrating"), false);
    take();
    p.close();
    assertEquals("\n", take());
  }

  @Test
  void jsonOutputPrintsNothingWhileFollowing() {
    LiveProgress p = progress(OutputFormat.json, true);
    log.add(new Change(null, null, "RUNNING", 1, "ferry"));
    job = Optional.of(JobProgress.starting(0, "go"));
    p.seen(view("running"), false);
    p.seen(view("completed"), true);
    p.close();
    assertEquals("", take());
    assertEquals(0, jobAsked);
  }
}
