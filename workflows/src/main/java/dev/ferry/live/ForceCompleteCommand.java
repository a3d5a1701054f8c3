package dev.ferry.live;

import dev.ferry.entities.Entities;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.GuestState;
import dev.ferry.move.HostCalls;
import dev.ferry.move.MoveStepException;
import io.temporal.failure.ApplicationFailure;

/**
 * The {@code forceComplete} update: only while the job runs (pre-copy) and no abort is pending. A
 * short activity on the source makes the job converge: it pauses the guest, or switches to
 * post-copy when the options permit it. A guest paused from the start is refused: its memory does
 * not change, so its job converges by itself, and post-copy would need it running.
 */
final class ForceCompleteCommand {

  private final LiveRun run;
  private final HostCalls hosts;
  private final JobSupervisor jobs;
  private final LiveReporting reporting;

  ForceCompleteCommand(LiveRun run, HostCalls hosts, JobSupervisor jobs, LiveReporting reporting) {
    this.run = run;
    this.hosts = hosts;
    this.jobs = jobs;
    this.reporting = reporting;
  }

  void validate() {
    FerryRejection r = refusal();
    if (r != null) {
      throw Entities.rejectUpdate(r);
    }
  }

  void handle(String actor) {
    FerryRejection r = refusal();
    if (r != null) {
      throw r.toFailure();
    }
    String who = LiveRun.actorOrUnknown(actor);
    String how;
    try {
      how =
          hosts.live(
              run.source,
              "force-complete",
              a -> a.forceComplete(run.record.id, run.options.permitPostCopy()));
    } catch (FerryRejection e) {
      throw e.toFailure();
    } catch (MoveStepException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), "LiveForceCompleteFailed");
    }
    run.forcedBy = how + " by " + who;
    if ("post-copy".equals(how)) {
      jobs.markPostCopy("force-complete by " + who);
    }
    reporting.announce();
  }

  private FerryRejection refusal() {
    LiveMigrationStatus s = run.status();
    if (s == LiveMigrationStatus.RUNNING_POST_COPY) {
      return new FerryRejection(
          Reason.INVALID_STATE,
          run.moveConsumer() + " is already in post-copy: it completes by itself");
    }
    if (s != LiveMigrationStatus.RUNNING) {
      return new FerryRejection(
          Reason.INVALID_STATE,
          run.moveConsumer()
              + " is "
              + s.novaName()
              + ": only a running live migration can be forced to complete");
    }
    if (run.guest == GuestState.PAUSED) {
      return new FerryRejection(
          Reason.INVALID_STATE,
          run.moveConsumer()
              + " moves a paused guest: force-complete does not apply (its memory does not change,"
              + " the job completes by itself)");
    }
    if (run.abortRequestedBy != null) {
      return new FerryRejection(
          Reason.INVALID_STATE,
          run.moveConsumer() + " is being aborted (requested by " + run.abortRequestedBy + ")");
    }
    return null;
  }
}
