package dev.ferry.evacuate;

import dev.ferry.model.DomainView;
import dev.ferry.move.HostUnreachableException;
import dev.ferry.move.MoveStepException;

/**
 * The rebuild's compensations: idempotent, each handles its own failure. They remove only what this
 * move made on the destination (the copy carrying the new epoch, the disk made from the base
 * image); nothing of the source is ever touched.
 */
final class EvacuationCompensations {

  private final EvacuationRun run;
  private final EvacuationBookkeeping books;

  EvacuationCompensations(EvacuationRun run, EvacuationBookkeeping books) {
    this.run = run;
    this.books = books;
  }

  /** Removes the destination copy only if it is the one this move defined (its new epoch). */
  void removeDestinationCopy() {
    if (!run.destDefined) {
      return;
    }
    String dest = run.dest;
    long newEpoch = run.newEpoch;
    try {
      DomainView there = run.hosts.hypervisor(dest, "inspect", h -> h.inspect(run.record.id));
      if (!there.exists()) {
        return;
      }
      if (there.epoch() != newEpoch) {
        run.notes.add(
            "kept the copy on "
                + dest
                + ": it carries epoch "
                + there.epoch()
                + ", not this move's "
                + newEpoch);
        return;
      }
      run.hosts.hypervisor(dest, "remove the new copy", h -> h.remove(run.record.id, newEpoch));
      run.notes.add("removed the copy this move defined on " + dest);
    } catch (HostUnreachableException e) {
      run.noteError(e.getMessage());
      books.owe(dest, newEpoch, "left by failed " + run.what());
    } catch (MoveStepException e) {
      run.noteError(e.getMessage());
    }
  }

  /**
   * Deletes the disk this move made from the base image, after its domain went (a disk a domain
   * still uses is refused by the agent and stays, said so).
   */
  void deleteNewDisk() {
    String dest = run.dest;
    String path = run.newDiskPath;
    try {
      boolean deleted = run.hosts.disk(dest, "delete the new disk", d -> d.deleteDisk(path));
      run.notes.add(
          (deleted ? "deleted the new disk " : "the new disk was already gone: ")
              + path
              + " on "
              + dest);
    } catch (MoveStepException e) {
      run.noteError(e.getMessage() + " (the new disk " + path + " is left on " + dest + ")");
    }
  }
}
