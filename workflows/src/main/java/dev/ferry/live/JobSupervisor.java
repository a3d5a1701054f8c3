package dev.ferry.live;

import static dev.ferry.live.LiveMigrationEvent.JOB_STARTED;
import static dev.ferry.live.LiveMigrationEvent.POST_COPY_STARTED;
import static dev.ferry.live.LiveRun.SYSTEM;

import dev.ferry.live.JobOutcome.Result;
import dev.ferry.live.JobOutcome.SourceState;
import dev.ferry.live.LiveMigrationWorkflowImpl.Tuning;
import dev.ferry.model.FerryRejection;
import dev.ferry.move.ActivityFailures;
import dev.ferry.move.HostCallOptions;
import dev.ferry.move.HostCalls;
import dev.ferry.move.MoveStepException;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * PREPARING and RUNNING: pre_live_migration on the destination, then the libvirt job, one
 * heartbeating activity on the source. An abort before post-copy cancels the activity, then the job
 * is settled on the source; the job's own signals and outcome say when post-copy (the point of no
 * return) started. Timeouts (completion per GiB, progress) are the job's; its activity gets a
 * budget from them.
 */
final class JobSupervisor {

  private final LiveRun run;
  private final HostCalls hosts;
  private final LiveReporting reporting;
  private final Tuning tuning;

  private CancellationScope jobScope;
  private Promise<JobOutcome> jobPromise;

  JobSupervisor(LiveRun run, HostCalls hosts, LiveReporting reporting, Tuning tuning) {
    this.run = run;
    this.hosts = hosts;
    this.reporting = reporting;
    this.tuning = tuning;
  }

  // ---- PREPARING -----------------------------------------------------------------------------

  void prepareDestination() {
    if (run.block()) {
      run.destDisksMayExist = true; // compensation first: rollback removes them (marker-guarded)
    }
    try {
      hosts.live(
          run.dest,
          "pre_live_migration",
          a ->
              a.prepareDestination(
                  new PrepareRequest(run.moveId(), run.record.id, run.block(), run.facts.disks())));
    } catch (FerryRejection r) {
      run.destDisksMayExist = false; // refused before creating anything (e.g. a file is in the way)
      throw new MoveStepException(
          "pre_live_migration on " + run.dest + " refused: " + r.getMessage());
    }
  }

  // ---- RUNNING -------------------------------------------------------------------------------

  JobOutcome runJob() {
    JobRequest jobRequest = jobRequest(false);
    LiveMigrationHostActivities job = jobStub(jobRequest.completionTimeoutSeconds());
    run.jobScheduled = true;
    jobScope =
        Workflow.newCancellationScope(() -> jobPromise = Async.function(job::migrate, jobRequest));
    jobScope.run();
    boolean cancelSent = false;
    while (true) {
      boolean sent = cancelSent;
      Workflow.await(() -> jobPromise.isCompleted() || (!sent && abortCanCancel()));
      if (jobPromise.isCompleted()) {
        break;
      }
      jobScope.cancel("abort requested by " + run.abortRequestedBy);
      cancelSent = true;
    }
    try {
      return jobPromise.get();
    } catch (ActivityFailure f) {
      if (!(run.abortRequested() && f.getCause() instanceof CanceledFailure)) {
        run.noteError(
            "the job activity on " + run.source + " failed: " + ActivityFailures.message(f));
      }
      return settle(!run.postCopy);
    } catch (CanceledFailure f) {
      return settle(!run.postCopy);
    }
  }

  /** An abort cancels the job only before post-copy (the activity ignores it there too). */
  private boolean abortCanCancel() {
    return run.abortRequested() && !run.postCopy;
  }

  /** After the job activity failed: settle the job on the source and see where the guest is. */
  private JobOutcome settle(boolean abort) {
    try {
      return hosts.live(run.source, "settle the job", a -> a.settleJob(run.record.id, abort));
    } catch (FerryRejection | MoveStepException e) {
      run.noteError(e.getMessage());
      return new JobOutcome(
          Result.FAILED, SourceState.UNKNOWN, e.getMessage(), 0, run.postCopy, run.forcedBy, null);
    }
  }

  /** libvirt's post-copy resume of a failed post-copy job (a new job activity, no budget). */
  JobOutcome resumePostCopy() {
    JobRequest resume = jobRequest(true);
    LiveMigrationHostActivities job = jobStub(0);
    return hosts.run(run.source, "resume post-copy", () -> job.migrate(resume));
  }

  private JobRequest jobRequest(boolean resume) {
    return new JobRequest(
        run.moveId(),
        run.record.id,
        run.dest,
        run.destUri,
        run.block(),
        Boolean.TRUE.equals(run.sharedStorage) && !run.facts.disks().isEmpty(),
        run.options,
        completionTimeoutSeconds(),
        run.newEpoch,
        resume,
        !run.wasRunning);
  }

  /** Nova: per-GiB timeout x (RAM + copied disks), each counted as at least 2 GiB. */
  private long completionTimeoutSeconds() {
    long perGiB = run.options.completionTimeoutSecondsPerGiB();
    if (perGiB <= 0) {
      return 0;
    }
    double gib = Math.max(2.0, run.record.flavor.memoryMb() / 1024.0);
    if (run.block()) {
      for (DiskInfo disk : run.facts.disks()) {
        gib += Math.max(2.0, disk.virtualSizeBytes() / (1024.0 * 1024 * 1024));
      }
    }
    return (long) Math.ceil(perGiB * gib);
  }

  private LiveMigrationHostActivities jobStub(long completionTimeoutSeconds) {
    Duration budget =
        completionTimeoutSeconds > 0
            ? Duration.ofSeconds(completionTimeoutSeconds).multipliedBy(2).plusMinutes(10)
            : Duration.ofDays(1);
    return hosts.stub(
        LiveMigrationHostActivities.class,
        run.source,
        "live migration job to " + run.dest,
        HostCallOptions.liveJob(
            run.source,
            hosts.scheduleToStart(),
            budget,
            tuning.jobHeartbeatTimeout(),
            tuning.jobMaxAttempts()));
  }

  // ---- what the job says about itself --------------------------------------------------------

  /** The job activity's signal before it calls migrate. */
  void jobStarted() {
    if (run.status() == LiveMigrationStatus.PREPARING) {
      reporting.fire(JOB_STARTED, SYSTEM);
    }
  }

  /** Post-copy started (signal, force-complete, outcome or failure): no way back. */
  void markPostCopy(String how) {
    run.postCopy = true;
    if (run.status() == LiveMigrationStatus.PREPARING) {
      reporting.fire(JOB_STARTED, SYSTEM);
    }
    if (run.status() == LiveMigrationStatus.RUNNING) {
      reporting.fire(POST_COPY_STARTED, how == null ? SYSTEM : how);
    }
  }

  /** What the outcome says about force-complete and post-copy. */
  void noteForced(JobOutcome outcome) {
    if (outcome.forcedBy() != null && run.forcedBy == null) {
      run.forcedBy = outcome.forcedBy();
    }
    if (outcome.postCopy()) {
      markPostCopy(outcome.forcedBy());
    }
  }
}
