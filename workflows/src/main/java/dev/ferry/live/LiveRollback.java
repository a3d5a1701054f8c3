package dev.ferry.live;

import static dev.ferry.live.LiveMigrationEvent.ABORTED;
import static dev.ferry.live.LiveMigrationEvent.BROKEN;
import static dev.ferry.live.LiveMigrationEvent.REJECTED;
import static dev.ferry.live.LiveMigrationEvent.ROLLED_BACK;
import static dev.ferry.live.LiveRun.SYSTEM;

import dev.ferry.live.JobOutcome.SourceState;
import dev.ferry.model.FerryRejection;
import dev.ferry.move.HostCalls;
import dev.ferry.move.HostUnreachableException;
import dev.ferry.move.MoveStepException;
import java.util.List;

/**
 * Compensation while the guest is (or stays) on the source: Nova's rollback at the destination, the
 * source restored, the claim and slot released; a dead destination owes its copy's removal.
 */
final class LiveRollback {

  private final LiveRun run;
  private final HostCalls hosts;
  private final LiveReporting reporting;
  private final Holdings held;

  LiveRollback(LiveRun run, HostCalls hosts, LiveReporting reporting, Holdings held) {
    this.run = run;
    this.hosts = hosts;
    this.reporting = reporting;
    this.held = held;
  }

  /** A typed refusal: in QUEUED nothing was touched (FAILED as rejected), else put back. */
  void refused(FerryRejection r) {
    run.noteError(r.getMessage());
    if (run.status() == LiveMigrationStatus.QUEUED) {
      run.rejection = r;
      releaseEverything();
      reporting.fire(REJECTED, SYSTEM);
    } else {
      rollBack(null, false);
    }
  }

  /**
   * The guest is on the source (seen there, or never left): roll back the destination, restore the
   * source, release what the move held.
   *
   * @param seen the source's state after the job, or null when no job ran
   */
  void rollBack(SourceState seen, boolean aborted) {
    boolean clean = rollBackDestination();
    if (seen == SourceState.PAUSED && run.wasRunning) {
      clean &= resumeAtSource();
    }
    clean &= releaseEverything();
    reporting.fire(
        clean ? (aborted ? ABORTED : ROLLED_BACK) : BROKEN, aborted ? run.abortActor() : SYSTEM);
  }

  /** Nova's rollback_live_migration_at_destination: a copy there is not the live one. */
  boolean rollBackDestination() {
    if (run.dest == null || !run.slotGranted) {
      return true; // nothing was touched there
    }
    try {
      if (run.jobScheduled) {
        hosts.hypervisor(
            run.dest, "remove the incoming copy", h -> h.remove(run.record.id, run.newEpoch));
      }
      if (run.destDisksMayExist) {
        List<String> paths = run.diskPaths();
        hosts.liveDo(run.dest, "remove the created disks", a -> a.removeDisks(paths));
      }
      return true;
    } catch (HostUnreachableException e) {
      run.noteError(e.getMessage());
      held.cleanup()
          .owe(
              run.dest,
              run.newEpoch,
              held.cleanup().staleCopyKind(),
              "left by failed live migration " + run.moveConsumer());
      return false;
    } catch (FerryRejection | MoveStepException e) {
      run.noteError(e.getMessage());
      return false;
    }
  }

  /** Releases the claim (or hands it to the instance when the guest moved) and the slot. */
  boolean releaseEverything() {
    return held.giveBackQuietly();
  }

  private boolean resumeAtSource() {
    try {
      run.observe(
          run.source,
          hosts.hypervisor(run.source, "resume the guest", h -> h.powerOn(run.record.id)));
      return true;
    } catch (FerryRejection | MoveStepException e) {
      run.noteError(e.getMessage());
      run.instanceInError = true;
      return false;
    }
  }
}
