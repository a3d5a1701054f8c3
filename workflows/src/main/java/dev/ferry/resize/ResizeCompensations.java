package dev.ferry.resize;

import dev.ferry.model.DomainSpec;
import dev.ferry.move.HostUnreachableException;
import dev.ferry.move.MoveStepException;

/**
 * The saga's compensations: idempotent, each handles its own failure (a dead host owes the work, an
 * instance that cannot be made whole is marked for ERROR).
 */
final class ResizeCompensations {

  private final ResizeRun run;
  private final ResizeBookkeeping books;

  ResizeCompensations(ResizeRun run, ResizeBookkeeping books) {
    this.run = run;
    this.books = books;
  }

  void removeDestinationCopy() {
    try {
      run.hosts.hypervisor(run.dest, "remove the copy", h -> h.remove(run.record.id, run.newEpoch));
      run.destMayRun = false;
    } catch (HostUnreachableException e) {
      run.noteError(e.getMessage());
      books.owe(run.dest, run.newEpoch, "left by failed " + run.what(), null);
    } catch (MoveStepException e) {
      run.noteError(e.getMessage());
      run.instanceInError = true;
    }
  }

  void restoreOldDefinition() {
    try {
      if (run.destMayRun) {
        int graceful = run.hosts.gracefulShutdownSeconds();
        run.observe(
            run.source,
            run.hosts.hypervisor(
                run.source, "power off", h -> h.powerOff(run.record.id, graceful)));
        run.destMayRun = false;
      }
      DomainSpec spec = run.spec(run.oldFlavor, run.record.epoch, run.oldXml);
      run.observe(
          run.source,
          run.hosts.hypervisor(run.source, "restore the old definition", h -> h.define(spec)));
      run.atDest = false;
    } catch (MoveStepException e) {
      run.noteError(e.getMessage());
      run.instanceInError = true;
    }
  }

  /** Deletes the copied (or partial) disk at the destination; its domain is already removed. */
  void removeCopiedDisk() {
    books.deleteDiskQuietly(run.dest, run.newEpoch, "disk copied by failed " + run.what());
  }

  void restartAtSource() {
    if (run.destMayRun || (run.sameHost && run.atDest)) {
      run.noteError(
          run.record.name + " not restarted on " + run.source + ": its new copy may still run");
      run.instanceInError = true;
      return;
    }
    try {
      run.observe(
          run.source, run.hosts.hypervisor(run.source, "power on", h -> h.powerOn(run.record.id)));
    } catch (MoveStepException e) {
      run.noteError(e.getMessage());
      run.instanceInError = true;
    }
  }
}
