package dev.ferry.entities;

import dev.ferry.model.FerryRejection;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.function.Supplier;

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

  /**
   * What an update VALIDATOR throws to refuse with {@code rejection}'s typed reason intact. The
   * Java SDK 1.38 serializes an ApplicationFailure thrown by a validator twice and the client
   * receives type {@code WorkflowExecutionException}: the reason is lost (sdk-java#2875, fixed
   * after 1.38.0). Any other exception from a validator is a rejection too, serialized once with
   * its cause chain: so the rejection goes out carrying its typed failure as cause, where {@code
   * FerryRejection.from} finds it, with this SDK and with a fixed one. Update handlers (not
   * validators) keep throwing {@code rejection.toFailure()}.
   */
  public static RuntimeException rejectUpdate(FerryRejection rejection) {
    if (rejection.getCause() == null) {
      rejection.initCause(rejection.toFailure());
    }
    return rejection;
  }

  /**
   * {@code Workflow.await(timeout, condition)} that keeps the entity's current details (the Web
   * UI's "current details") in step with its state: the condition is evaluated after every signal,
   * update and activity result, so the details never lag behind a handler. Setting details is no
   * command; the await issues exactly the commands it did before.
   */
  public static boolean awaitShowing(
      Duration timeout, Supplier<String> details, Supplier<Boolean> condition) {
    return Workflow.await(
        timeout,
        () -> {
          Workflow.setCurrentDetails(details.get());
          return condition.get();
        });
  }

  /** Waits for in-flight update and signal handlers, then continues as new with {@code state}. */
  public static void continueAsNew(Object state) {
    Workflow.await(Workflow::isEveryHandlerFinished);
    Workflow.continueAsNew(state);
  }
}
