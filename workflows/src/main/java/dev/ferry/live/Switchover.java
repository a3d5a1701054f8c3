package dev.ferry.live;

import static dev.ferry.live.LiveMigrationEvent.BROKEN;
import static dev.ferry.live.LiveMigrationEvent.JOB_STARTED;
import static dev.ferry.live.LiveMigrationEvent.POST_DONE;
import static dev.ferry.live.LiveMigrationEvent.SWITCHED_OVER;
import static dev.ferry.live.LiveRun.SYSTEM;

import dev.ferry.model.FerryRejection;
import dev.ferry.move.HostCalls;
import dev.ferry.move.HostUnreachableException;
import dev.ferry.move.MoveStepException;
import java.util.List;

/**
 * POST_MIGRATING: the guest runs on the destination. post_live_migration at the destination (the
 * new epoch), the old copy removed at the source (or owed when the source is gone), the claim
 * handed to the instance, the slot released.
 */
final class Switchover {

  private final LiveRun run;
  private final HostCalls hosts;
  private final LiveReporting reporting;
  private final Holdings held;

  Switchover(LiveRun run, HostCalls hosts, LiveReporting reporting, Holdings held) {
    this.run = run;
    this.hosts = hosts;
    this.reporting = reporting;
    this.held = held;
  }

  void switchedOver() {
    if (run.status() == LiveMigrationStatus.PREPARING) {
      reporting.fire(JOB_STARTED, SYSTEM); // the job's signal was lost; the job evidently ran
    }
    if (run.abortRequested()) {
      run.noteError("abort requested by " + run.abortRequestedBy + " came too late: switched over");
    }
    reporting.fire(SWITCHED_OVER, SYSTEM);
    run.atDest = true;
    boolean complete = true;
    try {
      FinishedAtDestination fin =
          hosts.live(
              run.dest,
              "post_live_migration_at_destination",
              a -> a.finishAtDestination(run.record.id, run.newEpoch));
      run.observe(run.dest, fin.view());
      run.totalTimeMs = fin.totalTimeMs();
      run.downtimeMs = fin.downtimeMs();
    } catch (FerryRejection | MoveStepException e) {
      run.noteError(e.getMessage());
      complete = false;
    }
    complete &= cleanUpSource();
    complete &= held.giveBackQuietly();
    reporting.fire(complete ? POST_DONE : BROKEN, SYSTEM);
  }

  /** post_live_migration at the source: the old definition (epoch-guarded) and copied disks. */
  private boolean cleanUpSource() {
    boolean block = run.block();
    try {
      hosts.hypervisor(
          run.source, "remove the old copy", h -> h.remove(run.record.id, run.record.epoch));
      if (block) {
        List<String> paths = run.diskPaths();
        hosts.liveDo(run.source, "remove the copied disks", a -> a.removeDisks(paths));
      }
      return true;
    } catch (HostUnreachableException e) {
      run.noteError(e.getMessage());
      held.cleanup()
          .owe(
              run.source,
              run.record.epoch,
              held.cleanup().staleCopyKind(),
              "stale copy after live migration " + run.moveConsumer() + " to " + run.dest);
      return false;
    } catch (FerryRejection | MoveStepException e) {
      run.noteError(e.getMessage());
      return false;
    }
  }
}
