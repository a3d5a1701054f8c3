package dev.ferry.replay;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.enums.v1.EventType;
import io.temporal.common.WorkflowExecutionHistory;

/** What the replay guards read in a history, and how they judge a replay's failure. */
final class ReplayChecks {

  private ReplayChecks() {}

  /** The history holds an accepted Update named {@code name} (an operator's confirm, abort...). */
  static boolean hasUpdate(WorkflowExecutionHistory history, String name) {
    return history.getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
        .anyMatch(
            e ->
                e.getWorkflowExecutionUpdateAcceptedEventAttributes()
                    .getAcceptedRequest()
                    .getInput()
                    .getName()
                    .equals(name));
  }

  /** {@code changed} failed to replay {@code history} (its name): the corpus catches the change. */
  static void assertReplayFailed(String history, Class<?> changed, Exception failure) {
    assertNotNull(
        failure,
        () ->
            changed.getSimpleName()
                + " replayed "
                + history
                + " without error: the corpus would not catch this change");
  }

  /**
   * The change breaks replay of this history: a {@code NonDeterministicException}, or, when the
   * extra command meets a recorded cancellation of an activity (an abort while the job ran), the
   * SDK's state machine refusing the transition while replaying the recorded events. Either way the
   * replay tests fail on it.
   */
  static void assertBreaksReplay(String history, Class<?> changed, Exception failure) {
    assertReplayFailed(history, changed, failure);
    StringBuilder causes = new StringBuilder();
    for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
      causes.append(c).append('\n');
    }
    String all = causes.toString();
    assertTrue(
        all.contains("NonDeterministicException")
            || (all.contains("during replay") && all.contains("invalid ")),
        () -> history + " failed, but not as a replay mismatch: " + all);
  }
}
