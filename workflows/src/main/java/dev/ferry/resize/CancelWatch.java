package dev.ferry.resize;

import dev.ferry.move.MoveStepException;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * How a resize hears a workflow cancel (WorkflowStub.cancel, `ferry migration cancel`). The move's
 * work runs in a detached scope, so a cancel never interrupts a host call halfway or its
 * compensation: this watcher, in the workflow's root scope, turns it into a request that the move
 * honours at its next step boundary (steps 1-3) or as a revert (VERIFY_RESIZE). Only the disk copy,
 * which may take hours, is interrupted: its agent stops and deletes the partial copy first.
 *
 * <p>Issues no command until a cancel arrives: moves that are never cancelled replay as before.
 */
final class CancelWatch {

  /** The actor recorded for the transitions a cancel causes. */
  static final String ACTOR = "cancel";

  private boolean requested;
  private CancellationScope interruptible;

  /**
   * Watches until {@code ended}; on a cancel, interrupts the running interruptible step and runs
   * {@code onCancel}. Call first thing in the workflow method, from its root scope.
   */
  void start(BooleanSupplier ended, Runnable onCancel) {
    Async.procedure(
        () -> {
          try {
            Workflow.await(ended::getAsBoolean);
          } catch (CanceledFailure e) {
            requested = true;
            if (interruptible != null) {
              interruptible.cancel("move cancelled");
            }
            onCancel.run();
          }
        });
  }

  boolean requested() {
    return requested;
  }

  /** A step boundary: throws {@link MoveCancelledException} once a cancel was requested. */
  void check(String where) {
    if (requested) {
      throw new MoveCancelledException("cancelled " + where);
    }
  }

  /**
   * Runs a long step that a cancel interrupts (its activity is cancelled and waited for). Its
   * failure after a cancel is the cancel, whatever the host said.
   */
  <T> T interruptibly(String what, Supplier<T> step) {
    check("before " + what);
    Object[] result = new Object[1];
    CancellationScope scope = Workflow.newCancellationScope(() -> result[0] = step.get());
    interruptible = scope;
    try {
      scope.run();
    } catch (MoveStepException | CanceledFailure e) {
      if (requested) {
        throw new MoveCancelledException("cancelled during " + what);
      }
      throw e;
    } finally {
      interruptible = null;
    }
    @SuppressWarnings("unchecked")
    T value = (T) result[0];
    return value;
  }
}
