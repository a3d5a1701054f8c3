package dev.ferry.move;

import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.model.MoveOutcome;
import dev.ferry.model.MoveProgress;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * A move's reports to the world, shared by every move workflow (resize / cold migration,
 * evacuation, live migration): on every status change its search attributes, its UI details and the
 * {@code moveProgress} signal to its InstanceWorkflow; at the end the {@code moveClosed} signal.
 * Each move builds its own details, progress and outcome; this class only issues them, in one fixed
 * order. Create it once the instance is known: creating it issues no command (the external stub
 * only names the instance).
 */
public final class InstanceChannel {

  private static final Logger log = Workflow.getLogger(InstanceChannel.class);

  private final String instanceId;
  private final MoveType moveType;
  private final Long moveStartedAtMillis;
  private final InstanceWorkflow instance;

  /** For the move started with {@code input}: its instance, its type and its start. */
  public InstanceChannel(MoveInput input) {
    this.instanceId = input.instance().id;
    this.moveType = input.request().type();
    // Set by the instance before it started the move; 0 when the move was started by other means.
    long started = input.instance().currentMoveStartedAtMillis;
    this.moveStartedAtMillis = started > 0 ? started : null;
    this.instance =
        Workflow.newExternalWorkflowStub(
            InstanceWorkflow.class, Names.instanceWorkflowId(instanceId));
  }

  /**
   * Upserts the search attributes (status: {@code progress.status()}), sets the UI details, then
   * signals the progress to the instance: in this order, every time (commands: an upsert, then a
   * signal).
   */
  public void announce(
      MoveType type, String source, String dest, String details, MoveProgress progress) {
    MoveSearchAttributes.upsert(instanceId, source, dest, type, progress.status());
    Workflow.setCurrentDetails(details);
    tell(i -> i.moveProgress(progress));
  }

  /**
   * The move has ended: the instance takes over the record (command: one signal). The outcome says
   * which move it was (type, start), however late it arrives.
   */
  public void closed(MoveOutcome outcome) {
    MoveOutcome stamped = outcome.of(moveType, moveStartedAtMillis);
    tell(i -> i.moveClosed(stamped));
  }

  /**
   * Signals the instance. A lost signal must not fail the move: the instance's periodic check
   * notices a move that closed without saying so.
   */
  private void tell(Consumer<InstanceWorkflow> signal) {
    try {
      signal.accept(instance);
    } catch (SignalExternalWorkflowException e) {
      log.warn("could not signal {}: {}", Names.instanceWorkflowId(instanceId), e.getMessage());
    }
  }
}
