package dev.ferry.evacuate;

import dev.ferry.model.CleanupItem;
import dev.ferry.move.ConductorCalls;
import dev.ferry.move.MoveStepException;

/**
 * What an evacuation leaves in order besides the instance: the stale copy on the failed host's
 * cleanup list, the placement claim handed to the instance (or released), and work a dead
 * destination owes on its cleanup list. Each failure is noted in the move's error, never thrown.
 */
final class EvacuationBookkeeping {

  private final EvacuationRun run;

  EvacuationBookkeeping(EvacuationRun run) {
    this.run = run;
  }

  /**
   * The stale copy goes on the source's cleanup list (domain only: a shared disk is the live
   * instance's disk, Nova LP#1550919), then the claim follows the instance. Neither failure undoes
   * a running rebuild: the agent's start-up reconcile also removes copies the record calls stale,
   * and placement's reconcile looks after claims.
   */
  void handOver() {
    String source = run.source;
    CleanupItem stale =
        new CleanupItem(
            "evacuation:" + run.request.moveId(),
            CleanupItem.Kind.REMOVE_STALE_DOMAIN,
            run.record.id,
            run.record.epoch,
            null,
            "stale copy of " + run.record.name + " evacuated to " + run.dest + " by " + run.what(),
            run.request.moveId());
    try {
      ConductorCalls.run(
          "add cleanup on " + source, c -> c.hostRecords().addCleanup(source, stale));
      run.notes.add(
          "stale copy (epoch <= "
              + run.record.epoch
              + ") is on "
              + source
              + "'s cleanup list: destroyed when its agent returns");
    } catch (MoveStepException e) {
      run.noteError(e.getMessage());
    }
    try {
      ConductorCalls.run(
          "swap the claim", c -> c.placement().swap(run.moveConsumer(), run.instanceConsumer()));
    } catch (MoveStepException e) {
      run.noteError(e.getMessage());
    }
  }

  void releaseClaimQuietly() {
    try {
      ConductorCalls.run("release the claim", c -> c.placement().release(run.moveConsumer()));
    } catch (MoveStepException e) {
      run.noteError(e.getMessage());
    }
  }

  /** Puts the removal of this instance's copies up to an epoch on a dead host's cleanup list. */
  void owe(String host, long epochAtMost, String reason) {
    CleanupItem item =
        new CleanupItem(
            run.moveConsumer() + ":" + host,
            CleanupItem.Kind.REMOVE_STALE_DOMAIN,
            run.record.id,
            epochAtMost,
            null,
            reason);
    ConductorCalls.owe(host, item, run::noteError);
  }
}
