package dev.ferry.live;

import static dev.ferry.live.LiveMigrationEvent.BROKEN;
import static dev.ferry.live.LiveRun.SYSTEM;

import dev.ferry.live.JobOutcome.Result;
import dev.ferry.live.JobOutcome.SourceState;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.FerryRejection;
import dev.ferry.move.HostCalls;
import dev.ferry.move.MoveStepException;
import io.temporal.workflow.Workflow;

/**
 * Post-copy failed: libvirt's post-copy resume while the source QEMU lives, else ERROR. The
 * source's copy is never restarted (its memory is split); when the source cannot be reached, it
 * owes that copy's removal before its agent serves again.
 */
final class PostCopyRecovery {

  /** Change id (forever): see {@link #keepsSourcePausedAfterPostCopy()}. */
  static final String CHANGE_ID = "live-post-copy-keeps-source-paused";

  private final LiveRun run;
  private final HostCalls hosts;
  private final LiveReporting reporting;
  private final JobSupervisor jobs;
  private final Switchover switchover;
  private final Holdings held;

  PostCopyRecovery(
      LiveRun run,
      HostCalls hosts,
      LiveReporting reporting,
      JobSupervisor jobs,
      Switchover switchover,
      Holdings held) {
    this.run = run;
    this.hosts = hosts;
    this.reporting = reporting;
    this.jobs = jobs;
    this.switchover = switchover;
    this.held = held;
  }

  void recover(JobOutcome outcome) {
    jobs.markPostCopy("failure");
    String source = run.source;
    if (outcome.source() == SourceState.POST_COPY_FAILED
        || outcome.source() == SourceState.PAUSED_POST_COPY) {
      run.noteError(
          "post-copy of " + run.record.name + " failed: " + outcome.message() + "; resuming it");
      try {
        JobOutcome resumed = jobs.resumePostCopy();
        if (resumed.result() == Result.COMPLETED) {
          switchover.switchedOver();
          return;
        }
        run.noteError("post-copy resume failed: " + resumed.message());
      } catch (FerryRejection e) {
        run.noteError("post-copy resume failed: " + e.getMessage());
      } catch (MoveStepException e) {
        run.noteError("post-copy resume failed: " + e.getMessage());
        if (keepsSourcePausedAfterPostCopy() && sourceLost()) {
          // the source went away during the resume: it owes the removal of its paused copy
          oweSourceCopy(source);
        }
      }
    } else if (outcome.source() == SourceState.UNKNOWN || hosts.isUnreachable(source)) {
      oweSourceCopy(source);
    }
    // The guest's memory is split and one half is gone: it cannot run on the source again.
    run.atDest = true;
    run.instanceInError = true;
    run.noteError(
        run.record.name
            + " is in ERROR on "
            + run.dest
            + ": post-copy could not finish; it is never restarted on "
            + source);
    held.giveBackQuietly();
    reporting.fire(BROKEN, SYSTEM);
  }

  /** The source's calls failed for good, or its record says it is not alive. */
  private boolean sourceLost() {
    return hosts.isUnreachable(run.source) || !hosts.isAlive(run.source);
  }

  /**
   * Since {@value #CHANGE_ID}: past the point of no return a paused source is never resumed, and a
   * source lost during the post-copy resume owes its copy's removal. Runs started before take the
   * old branch (call only once post-copy is known: the marker goes where the paths part).
   */
  static boolean keepsSourcePausedAfterPostCopy() {
    return Workflow.getVersion(CHANGE_ID, Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION;
  }

  /** The lost source owes the removal of its copy of the guest (up to the current epoch). */
  private void oweSourceCopy(String source) {
    held.cleanup()
        .owe(
            source,
            run.record.epoch,
            CleanupItem.Kind.REMOVE_STALE_DOMAIN,
            "post-copy lost the source");
  }
}
