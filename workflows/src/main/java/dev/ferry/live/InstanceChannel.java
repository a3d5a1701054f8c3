package dev.ferry.live;

import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.model.MoveOutcome;
import dev.ferry.model.MoveProgress;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.move.MoveSearchAttributes;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * A move's reports to the world on every status change: its search attributes, its UI details, and
 * the signals to its InstanceWorkflow ({@code moveProgress}, then {@code moveClosed}). Knows
 * nothing of live migration: resize and evacuation carry the same code (announce / tellInstance),
 * and this class, made public in {@code dev.ferry.move}, can replace their copies unchanged.
 */
final class InstanceChannel {

  private static final Logger log = Workflow.getLogger(InstanceChannel.class);

  private final String instanceId;
  private final InstanceWorkflow instance;

  InstanceChannel(String instanceId) {
    this.instanceId = instanceId;
    this.instance =
        Workflow.newExternalWorkflowStub(
            InstanceWorkflow.class, Names.instanceWorkflowId(instanceId));
  }

  /**
   * Upserts the search attributes (status: {@code progress.status()}), sets the UI details, then
   * signals the progress to the instance: in this order, every time.
   */
  void announce(MoveType type, String source, String dest, String details, MoveProgress progress) {
    MoveSearchAttributes.upsert(instanceId, source, dest, type, progress.status());
    Workflow.setCurrentDetails(details);
    tell(i -> i.moveProgress(progress));
  }

  /** The move has ended: the instance takes over the record. */
  void closed(MoveOutcome outcome) {
    tell(i -> i.moveClosed(outcome));
  }

  /**
   * Signals the instance. A lost signal must not fail the move: the instance's periodic check
   * notices a move that closed without saying so.
   */
  void tell(Consumer<InstanceWorkflow> signal) {
    try {
      signal.accept(instance);
    } catch (SignalExternalWorkflowException e) {
      log.warn("could not signal {}: {}", Names.instanceWorkflowId(instanceId), e.getMessage());
    }
  }
}
