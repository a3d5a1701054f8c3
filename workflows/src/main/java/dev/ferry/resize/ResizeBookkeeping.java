package dev.ferry.resize;

import dev.ferry.model.CleanupItem;
import dev.ferry.move.ConductorCalls;
import dev.ferry.move.HostUnreachableException;
import dev.ferry.move.MoveStepException;

/**
 * What a resize leaves in order besides the instance: its placement claim follows the record, a
 * disk it no longer needs is deleted, and work a dead host owes goes on that host's cleanup list.
 */
final class ResizeBookkeeping {

  private final ResizeRun run;

  ResizeBookkeeping(ResizeRun run) {
    this.run = run;
  }

  /**
   * The move's claim follows the record: handed to the instance (allocation swap) when the record
   * points at the new definition, released otherwise.
   */
  void settleClaim() {
    if (run.claimSettled) {
      return;
    }
    if (run.atDest) {
      ConductorCalls.run(
          "swap the claim", c -> c.placement().swap(run.moveConsumer(), run.instanceConsumer()));
    } else {
      ConductorCalls.run("release the claim", c -> c.placement().release(run.moveConsumer()));
    }
    run.claimSettled = true;
  }

  void settleClaimQuietly() {
    try {
      settleClaim();
    } catch (MoveStepException e) {
      run.noteError(e.getMessage());
    }
  }

  /**
   * Puts work on a dead host's cleanup list: remove copies of this instance up to an epoch, and its
   * host-local disk when {@code diskPath} is given (never a disk on shared storage).
   */
  void owe(String host, long epochAtMost, String reason, String diskPath) {
    CleanupItem item =
        new CleanupItem(
            run.moveConsumer() + ":" + host + (diskPath != null ? ":disk" : ""),
            diskPath != null
                ? CleanupItem.Kind.REMOVE_DOMAIN_AND_DISK
                : CleanupItem.Kind.REMOVE_STALE_DOMAIN,
            run.record.id,
            epochAtMost,
            diskPath,
            reason);
    ConductorCalls.owe(host, item, run::noteError);
  }

  /**
   * Deletes the disk of this instance on {@code host} once its domain there is gone. A failure does
   * not undo the move: the instance is whole where its record points, and a dead host owes the
   * deletion (a cleanup item); other failures are noted in the move's error.
   */
  void deleteDiskQuietly(String host, long epochAtMost, String reason) {
    try {
      run.hosts.disk(
          host, "delete the disk " + run.record.diskPath, d -> d.deleteDisk(run.record.diskPath));
    } catch (HostUnreachableException e) {
      run.noteError(e.getMessage());
      owe(host, epochAtMost, reason, run.record.diskPath);
    } catch (MoveStepException e) {
      run.noteError(e.getMessage());
    }
  }
}
