package dev.ferry.move;

import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Activity calls and timers that carry a summary: the line the Temporal Web UI shows for each in a
 * workflow's history. A summary is user metadata, not part of a command: replay never compares it,
 * so its wording may change between deployments.
 */
public final class Summarized {

  private Summarized() {}

  /**
   * A stub of {@code activities} whose calls show {@code summary}: the caller's own options and
   * per-method options (timeouts per activity type), with the summary added. A per-call summary
   * needs a stub per call; creating a stub issues no command.
   */
  public static <T> T stub(
      Class<T> activities,
      ActivityOptions options,
      Map<String, ActivityOptions> perMethod,
      String summary) {
    return Workflow.newActivityStub(
        activities, options.toBuilder().setSummary(summary).build(), perMethod);
  }

  /** {@link #stub(Class, ActivityOptions, Map, String)} without per-method options. */
  public static <T> T stub(Class<T> activities, ActivityOptions options, String summary) {
    return stub(activities, options, null, summary);
  }

  /**
   * {@code Workflow.await(timeout, condition)} with a summary on its timer. The same command as SDK
   * 1.38's {@code Workflow.await} issues: one StartTimer, left running when the condition wins
   * (1.38 does not cancel it), so histories recorded with either replay with the other.
   *
   * @return false when the timeout passed first
   */
  public static boolean await(Duration timeout, String summary, Supplier<Boolean> condition) {
    Promise<Void> timer = Workflow.newTimer(timeout, timerOptions(summary));
    Workflow.await(() -> timer.isCompleted() || condition.get());
    return !timer.isCompleted();
  }

  /** {@code Workflow.sleep(duration)} (one StartTimer) with a summary on its timer. */
  public static void sleep(Duration duration, String summary) {
    Workflow.newTimer(duration, timerOptions(summary)).get();
  }

  private static TimerOptions timerOptions(String summary) {
    return TimerOptions.newBuilder().setSummary(summary).build();
  }
}
