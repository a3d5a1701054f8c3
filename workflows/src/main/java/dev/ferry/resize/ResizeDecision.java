package dev.ferry.resize;

import static dev.ferry.resize.ResizeEvent.CONFIRM;

import dev.ferry.entities.Entities;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Names;
import dev.ferry.move.MoveView;
import dev.ferry.move.Summarized;
import dev.ferry.move.WebUiTexts;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * Step 4, VERIFY_RESIZE: the operator's confirm or revert (Update or Signal; a workflow cancel is a
 * revert), or the auto-confirm timer. The first decision wins; later ones are refused.
 */
final class ResizeDecision {

  private static final String AUTO_CONFIRM = "auto-confirm";

  private static final Logger log = Workflow.getLogger(ResizeDecision.class);

  /** Who decided, and what: confirm or revert. */
  private record Decision(ResizeEvent event, String actor) {}

  private final ResizeRun run;
  private final ResizeReporting reporting;
  private Decision decision;

  ResizeDecision(ResizeRun run, ResizeReporting reporting) {
    this.run = run;
    this.reporting = reporting;
  }

  ResizeEvent awaitDecision() {
    if (run.confirmWindowSeconds <= 0) {
      // The one wait without a timer (DESIGN "Rules every move follows"): with a confirm window of
      // 0 the operator decides, however long that takes.
      Workflow.await(() -> decision != null);
    } else if (!Summarized.await(
        Duration.ofSeconds(run.confirmWindowSeconds),
        WebUiTexts.autoConfirm(Duration.ofSeconds(run.confirmWindowSeconds)),
        () -> decision != null)) {
      decision = new Decision(CONFIRM, AUTO_CONFIRM);
    }
    reporting.fire(decision.event(), decision.actor());
    return decision.event();
  }

  /** Validators: see {@link Entities#rejectUpdate} for why not {@code toFailure()} here. */
  void validateAwaitingDecision() {
    if (!awaitingDecision()) {
      throw Entities.rejectUpdate(nothingPending());
    }
  }

  private FerryRejection nothingPending() {
    return new FerryRejection(
        Reason.NOTHING_PENDING,
        Names.moveWorkflowId(run.moveId())
            + " is not awaiting confirmation (status "
            + run.machine.state().novaName()
            + (decision != null
                ? ", " + decision.event().name().toLowerCase() + " requested by " + decision.actor()
                : "")
            + "): see 'ferry migration show "
            + run.moveId()
            + "'");
  }

  private boolean awaitingDecision() {
    return run.machine.state() == ResizeStatus.FINISHED && decision == null;
  }

  /** The Update: decide, then answer once the decision is carried out (or failed). */
  MoveView decideAndAwait(ResizeEvent event, String actor) {
    if (!decideIfAwaiting(event, actor) && (decision == null || decision.event() != event)) {
      throw nothingPending().toFailure(); // an opposite decision won the race
    }
    Workflow.await(run.machine::isFinal);
    return reporting.status();
  }

  boolean decideIfAwaiting(ResizeEvent event, String actor) {
    if (!awaitingDecision()) {
      log.info("{} ignored in status {}", event, run.machine.state());
      return false;
    }
    decision = new Decision(event, actor == null || actor.isBlank() ? "unknown" : actor);
    return true;
  }
}
