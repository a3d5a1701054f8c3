package dev.ferry.live;

import static dev.ferry.live.LiveMigrationEvent.BROKEN;
import static dev.ferry.live.LiveRun.SYSTEM;

import dev.ferry.live.JobOutcome.Result;
import dev.ferry.live.JobOutcome.SourceState;
import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.GuestState;
import dev.ferry.model.PowerState;
import dev.ferry.move.HostCalls;
import dev.ferry.move.MoveStepException;

/**
 * After the job, or when a host stopped answering: look at where the guest is, then go on (switch
 * over, post-copy recovery) or put back (rollback), or end in ERROR when it cannot be told.
 *
 * <p>A source found PAUSED is told apart by how the guest began: paused from the start (read in the
 * pre-checks, {@code wasRunning} false) it stays paused; running at the start, the move paused it
 * (libvirt at switch-over, force-complete's suspend) and the rollback resumes it.
 */
final class JobResolution {

  private final LiveRun run;
  private final HostCalls hosts;
  private final LiveReporting reporting;
  private final JobSupervisor jobs;
  private final Switchover switchover;
  private final PostCopyRecovery postCopy;
  private final LiveRollback rollback;

  JobResolution(
      LiveRun run,
      HostCalls hosts,
      LiveReporting reporting,
      JobSupervisor jobs,
      Switchover switchover,
      PostCopyRecovery postCopy,
      LiveRollback rollback) {
    this.run = run;
    this.hosts = hosts;
    this.reporting = reporting;
    this.jobs = jobs;
    this.switchover = switchover;
    this.postCopy = postCopy;
    this.rollback = rollback;
  }

  void resolve(JobOutcome outcome) {
    jobs.noteForced(outcome);
    switch (outcome.result()) {
      case COMPLETED -> switchover.switchedOver();
      case POST_COPY_FAILED -> postCopy.recover(outcome);
      default -> resolveBySource(outcome);
    }
  }

  private void resolveBySource(JobOutcome outcome) {
    boolean operatorAbort = outcome.result() == Result.ABORTED && run.abortRequested();
    if (outcome.message() != null && !operatorAbort) {
      run.noteError("live migration of " + run.record.name + " failed: " + outcome.message());
    }
    switch (outcome.source()) {
      case RUNNING -> rollback.rollBack(outcome.source(), run.abortRequested());
      case PAUSED -> {
        if (run.postCopy && PostCopyRecovery.keepsSourcePausedAfterPostCopy()) {
          postCopy.recover(outcome); // paused past the point of no return: never resumed
        } else {
          rollback.rollBack(outcome.source(), run.abortRequested());
        }
      }
      case PAUSED_POST_COPY, POST_COPY_FAILED -> postCopy.recover(outcome);
      case GONE, SHUT_OFF -> {
        DomainView there = lookAt(run.dest);
        if (there != null && there.exists() && there.powerState() != PowerState.SHUTDOWN) {
          switchover.switchedOver(); // the job finished after all (e.g. the abort lost the race)
        } else {
          run.instanceInError = true;
          run.noteError(
              run.record.name
                  + " is no longer on "
                  + run.source
                  + " and not running on "
                  + run.dest
                  + ": nothing was removed; look at both hosts");
          rollback.releaseEverything();
          reporting.fire(BROKEN, SYSTEM);
        }
      }
      default -> afterDeadHost(run.source);
    }
  }

  /**
   * A host stopped answering. If the source is gone before switch-over, the guest (if alive) is
   * there: the destination's copy is not the live one. If the destination runs the guest, it is.
   */
  void afterDeadHost(String deadHost) {
    String source = run.source;
    if (run.postCopy && deadHost.equals(source)) {
      postCopy.recover(
          new JobOutcome(
              Result.POST_COPY_FAILED,
              SourceState.UNKNOWN,
              "source " + source + " unreachable during post-copy",
              0,
              true,
              run.forcedBy,
              null));
      return;
    }
    if (deadHost.equals(source) && run.dest != null && run.jobScheduled) {
      DomainView there = lookAt(run.dest);
      if (there != null && there.exists() && there.powerState() == PowerState.RUNNING) {
        switchover.switchedOver(); // the guest runs at the destination; the source owes its copy
        return;
      }
      if (there != null && there.exists() && pausedFromTheStart(there)) {
        keepThePausedCopy();
        return;
      }
    }
    if (deadHost.equals(source)) {
      run.instanceInError = true; // the guest's fate is its host's: evacuation decides
    }
    rollback.rollBackDestination();
    rollback.releaseEverything();
    reporting.fire(BROKEN, SYSTEM);
  }

  /**
   * A guest paused from the start is paused at the destination whether its job finished there
   * (VIR_MIGRATE_PAUSED) or not (an incoming copy): which one cannot be told with the source gone.
   */
  private boolean pausedFromTheStart(DomainView there) {
    return run.guest == GuestState.PAUSED && there.powerState() == PowerState.PAUSED;
  }

  /** Never removes what may be the only copy of the guest: ERROR, and both hosts to look at. */
  private void keepThePausedCopy() {
    run.instanceInError = true;
    run.noteError(
        run.record.name
            + " was paused: its paused copy on "
            + run.dest
            + " may be the migrated guest or an unfinished one, which cannot be told while "
            + run.source
            + " is unreachable; it is kept: look at both hosts");
    rollback.releaseEverything();
    reporting.fire(BROKEN, SYSTEM);
  }

  private DomainView lookAt(String host) {
    try {
      DomainView view = hosts.hypervisor(host, "inspect", h -> h.inspect(run.record.id));
      run.observe(host, view);
      return view;
    } catch (FerryRejection | MoveStepException e) {
      run.noteError(e.getMessage());
      return null;
    }
  }
}
