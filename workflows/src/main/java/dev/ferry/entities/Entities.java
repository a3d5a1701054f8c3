package dev.ferry.entities;

import io.temporal.workflow.Workflow;
import java.time.Duration;

/** What the long-lived entity workflows share: how they keep their histories small. */
public final class Entities {
  /**
   * Continue as new past this many events. Against the embedded server sticky caching is off, so
   * every workflow task replays the whole history: it must stay a few hundred events.
   */
  public static final int MAX_HISTORY_EVENTS = 400;

  /** How often entities check the workflows holding their locks and claims. */
  public static final Duration RECONCILE_EVERY = Duration.ofMinutes(2);

  private Entities() {}

  public static boolean historyTooLong() {
    return Workflow.getInfo().getHistoryLength() > MAX_HISTORY_EVENTS
        || Workflow.getInfo().isContinueAsNewSuggested();
  }

  /** Waits for in-flight update and signal handlers, then continues as new with {@code state}. */
  public static void continueAsNew(Object state) {
    Workflow.await(Workflow::isEveryHandlerFinished);
    Workflow.continueAsNew(state);
  }
}
