package dev.ferry.resize;

import static dev.ferry.resize.ResizeEvent.CONFIRM_DONE;
import static dev.ferry.resize.ResizeEvent.FAILED;
import static dev.ferry.resize.ResizeEvent.REVERT_DONE;
import static dev.ferry.resize.ResizeRun.SYSTEM;

import dev.ferry.model.DomainSpec;
import dev.ferry.model.DomainView;
import dev.ferry.move.HostUnreachableException;
import dev.ferry.move.MoveStepException;

/**
 * Steps 5 and 6, carrying out the decision: confirm removes the old copy (and a copied disk's
 * source), revert the new one and restarts the old; either settles the claim. A failure after the
 * decision ends in ERROR with the record where the instance is whole.
 */
final class ConfirmAndRevert {

  private final ResizeRun run;
  private final ResizeReporting reporting;
  private final ResizeBookkeeping books;
  private final SourceHostCheck sourceHost;

  ConfirmAndRevert(
      ResizeRun run,
      ResizeReporting reporting,
      ResizeBookkeeping books,
      SourceHostCheck sourceHost) {
    this.run = run;
    this.reporting = reporting;
    this.books = books;
    this.sourceHost = sourceHost;
  }

  void confirmResize() {
    try {
      DomainView current = run.lookAt(run.dest);
      if (!current.exists()) {
        run.atDest = run.sameHost; // across hosts, the record goes back to the kept source copy
        throw new MoveStepException(
            "confirm: "
                + run.record.name
                + " has no domain on "
                + run.dest
                + (run.sameHost ? "" : "; its copy on " + run.source + " is kept"));
      }
      run.observe(run.dest, current);
      if (!run.sameHost) {
        cleanUpSource();
      }
      books.settleClaim();
      reporting.fire(CONFIRM_DONE, SYSTEM);
    } catch (MoveStepException e) {
      failAfterDecision(e);
    }
  }

  /**
   * Removes the old copy (and a copied disk's source) from the source. A source that is down, by
   * its record or because the call found no agent, owes both on its cleanup list and the confirm
   * goes on: the instance runs at the destination, and the old copy never starts by itself (ferry
   * sets no autostart). In histories from before, an unreachable source ended the move in ERROR.
   */
  private void cleanUpSource() {
    boolean sourceChecked = sourceHost.applies();
    if (sourceChecked && sourceHost.knownDown()) {
      oweStaleSourceCopy();
      return;
    }
    try {
      removeStaleSourceCopy();
    } catch (HostUnreachableException e) {
      oweStaleSourceCopy();
      if (!sourceChecked) {
        throw e;
      }
      return;
    }
    if (run.copiesDisk) {
      books.deleteDiskQuietly(
          run.source, run.record.epoch, "old disk after " + run.what() + " was confirmed");
    }
  }

  /** The source copy carries the old epoch: the guard keeps a newer copy from being removed. */
  private void removeStaleSourceCopy() {
    run.hosts.hypervisor(
        run.source, "remove the old copy", h -> h.remove(run.record.id, run.record.epoch));
  }

  private void oweStaleSourceCopy() {
    books.owe(
        run.source,
        run.record.epoch,
        "stale copy after " + run.what() + " was confirmed",
        run.copiesDisk ? run.record.diskPath : null);
  }

  void revertResize() {
    try {
      DomainView original = run.lookAt(run.source);
      if (!original.exists()) {
        throw new MoveStepException(
            "revert: "
                + run.record.name
                + " has no domain on "
                + run.source
                + (run.sameHost ? "" : "; its copy on " + run.dest + " is kept"));
      }
      if (run.sameHost) {
        restoreInPlace();
      } else {
        run.observe(run.source, original);
        removeDestinationCopyForRevert();
        if (run.copiesDisk) {
          books.deleteDiskQuietly(run.dest, run.newEpoch, "disk copied by reverted " + run.what());
        }
      }
      run.atDest = false;
      if (run.wasRunning) {
        run.observe(
            run.source,
            run.hosts.hypervisor(run.source, "power on", h -> h.powerOn(run.record.id)));
      }
      books.settleClaim();
      reporting.fire(REVERT_DONE, SYSTEM);
    } catch (MoveStepException e) {
      failAfterDecision(e);
    }
  }

  private void restoreInPlace() {
    int graceful = run.hosts.gracefulShutdownSeconds();
    run.observe(
        run.source,
        run.hosts.hypervisor(run.source, "power off", h -> h.powerOff(run.record.id, graceful)));
    DomainSpec spec = run.spec(run.oldFlavor, run.record.epoch, run.oldXml);
    run.observe(
        run.source,
        run.hosts.hypervisor(run.source, "restore the old definition", h -> h.define(spec)));
  }

  /**
   * A dead destination may still run its copy (only its agent may be gone): the source is then not
   * restarted, the record goes back to it in ERROR, and the destination owes the removal.
   */
  private void removeDestinationCopyForRevert() {
    try {
      run.hosts.hypervisor(
          run.dest, "remove the new copy", h -> h.remove(run.record.id, run.newEpoch));
    } catch (HostUnreachableException e) {
      run.atDest = false;
      books.owe(
          run.dest,
          run.newEpoch,
          "left by reverted " + run.what(),
          run.copiesDisk ? run.record.diskPath : null);
      throw new MoveStepException(
          e.getMessage()
              + "; "
              + run.record.name
              + " not restarted on "
              + run.source
              + " while its copy on "
              + run.dest
              + " may run");
    }
  }

  private void failAfterDecision(MoveStepException e) {
    run.noteError(e.getMessage());
    run.instanceInError = true;
    books.settleClaimQuietly();
    reporting.fire(FAILED, SYSTEM);
  }
}
