package dev.ferry.move;

import io.temporal.workflow.Saga;

/** The saga of a move's steps (resize's and evacuation's). */
public final class MoveSagas {

  private MoveSagas() {}

  /**
   * Compensations run one after another, last registered first, and all of them even when one
   * fails: each handles its own failure, and a step left undone must not stop the next undo.
   */
  public static Saga newSaga() {
    return new Saga(
        new Saga.Options.Builder()
            .setParallelCompensation(false)
            .setContinueWithError(true)
            .build());
  }
}
