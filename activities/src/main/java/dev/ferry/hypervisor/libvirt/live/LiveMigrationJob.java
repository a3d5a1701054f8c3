package dev.ferry.hypervisor.libvirt.live;

import dev.ferry.live.JobOutcome;
import dev.ferry.live.JobOutcome.Result;
import dev.ferry.live.JobOutcome.SourceState;
import dev.ferry.live.JobProgress;
import dev.ferry.live.JobRequest;
import dev.ferry.live.LiveMigrationWorkflow;
import dev.ferry.model.TimeoutAction;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.ActivityWorkerShutdownException;
import io.temporal.failure.TimeoutFailure;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live-migration job as one activity attempt on the source: the blocking migrate call runs on a
 * helper thread while this (activity) thread polls libvirt, heartbeats {@link JobProgress},
 * enforces the completion and progress timeouts, and aborts the libvirt job only on a real cancel
 * (never in post-copy). SDK 1.38's {@code heartbeat()} also throws on a local heartbeat timeout or
 * a worker shutdown: those are not aborts.
 *
 * <p>Re-attach: the first heartbeat carries the {@code started} marker, sent before migrate is
 * called. An attempt that finds it in its heartbeat details never calls migrate again: it watches
 * the running job, or reports how it ended (from where the guest is), carrying elapsed time.
 */
final class LiveMigrationJob {
  private static final Logger log = LoggerFactory.getLogger(LiveMigrationJob.class);

  /** Something that tells the job's workflow (a Temporal signal in production). */
  @FunctionalInterface
  interface Signaller {
    void signal(String workflowId, String signalName, Object argument);
  }

  private final MigrationDriver driver;
  private final ActivityExecutionContext ctx;
  private final Signaller signaller;
  private final Duration poll;
  private final LongSupplier clock;
  private final JobRequest request;

  private JobProgress progress;
  private boolean postCopy;
  private String forcedBy;
  private String abortReason;
  private boolean timeoutActed;
  private boolean downtimeSet;
  private boolean heartbeatsDead;
  private long minRemaining = Long.MAX_VALUE;
  private long lastProgressAt;

  LiveMigrationJob(
      MigrationDriver driver,
      ActivityExecutionContext ctx,
      Signaller signaller,
      Duration poll,
      LongSupplier clock,
      JobRequest request) {
    this.driver = driver;
    this.ctx = ctx;
    this.signaller = signaller;
    this.poll = poll;
    this.clock = clock;
    this.request = request;
  }

  JobOutcome run() throws Exception {
    Optional<JobProgress> previous = ctx.getHeartbeatDetails(JobProgress.class);
    if (previous.isPresent() && previous.get().started()) {
      return reattach(previous.get());
    }
    SourceState before = driver.sourceState();
    if (request.resumePostCopy()) {
      postCopy = true;
      if (before != SourceState.POST_COPY_FAILED) {
        return outcome(
            before == SourceState.GONE ? Result.COMPLETED : Result.POST_COPY_FAILED,
            before,
            "nothing to resume: the source is " + before,
            0);
      }
    } else if (before == SourceState.GONE) {
      return outcome(Result.NO_JOB, before, "no such domain on the source", 0);
    } else if (driver.activeJob().isPresent()) {
      // A job we did not start (or lost track of without a marker): never start a second one.
      return watchWithoutCall(JobProgress.starting(clock.getAsLong(), "foreign job"));
    }
    long startedAt = clock.getAsLong();
    progress =
        JobProgress.starting(
            startedAt,
            request.resumePostCopy() ? "post-copy resume" : "migrate to " + request.destHost());
    lastProgressAt = startedAt;
    ctx.heartbeat(progress); // the started marker: a retry re-attaches, it never migrates again
    signal(LiveMigrationWorkflow.JOB_STARTED_SIGNAL, progress);
    ExecutorService runner =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "live-migrate " + request.instanceId());
              t.setDaemon(true);
              return t;
            });
    try {
      Future<?> call =
          runner.submit(
              () -> {
                driver.migrate(request);
                return null;
              });
      watch(call, startedAt);
      Throwable failure = null;
      try {
        call.get();
      } catch (ExecutionException e) {
        failure = e.getCause();
      }
      return finish(failure, startedAt);
    } finally {
      runner.shutdown();
    }
  }

  /** A retried attempt: the job was started by an earlier one. */
  private JobOutcome reattach(JobProgress previous) throws Exception {
    progress = previous.withPhase(previous.phase(), "re-attached after a retry");
    postCopy = previous.postCopy();
    forcedBy = previous.forcedBy();
    lastProgressAt = clock.getAsLong();
    signal(LiveMigrationWorkflow.JOB_STARTED_SIGNAL, progress);
    if (postCopy) {
      signal(LiveMigrationWorkflow.POST_COPY_STARTED_SIGNAL, "re-attached");
    }
    return watchWithoutCall(progress);
  }

  private JobOutcome watchWithoutCall(JobProgress from) throws Exception {
    progress = from;
    long startedAt = from.startedAtMillis();
    watch(null, startedAt);
    SourceState where = driver.sourceState();
    Result result =
        switch (where) {
          case GONE -> Result.COMPLETED; // undefined at the source: only a finished job does that
          case POST_COPY_FAILED -> Result.POST_COPY_FAILED;
          case PAUSED_POST_COPY -> Result.POST_COPY_FAILED;
          default -> abortReason != null ? Result.ABORTED : Result.FAILED;
        };
    String message =
        result == Result.COMPLETED
            ? null
            : abortReason != null
                ? abortReason
                : "the job ended while no attempt watched it; the guest is "
                    + where
                    + " on the source";
    return outcome(result, where, message, clock.getAsLong() - startedAt);
  }

  /** Polls until the call returns (or, without a call, until no job runs). */
  private void watch(Future<?> call, long startedAt) throws Exception {
    while (call == null ? driver.activeJob().isPresent() : !call.isDone()) {
      Optional<JobStats> stats = driver.activeJob();
      if (!postCopy && driver.sourceState() == SourceState.PAUSED_POST_COPY) {
        markPostCopy(forcedBy != null ? forcedBy : "post-copy started");
      }
      stats.ifPresent(s -> enforce(s, startedAt));
      progress = progressOf(stats.orElse(null), startedAt);
      heartbeat();
      sleep();
    }
  }

  private void enforce(JobStats stats, long startedAt) {
    long now = clock.getAsLong();
    if (!downtimeSet && request.options().maxDowntimeMs() != null) {
      downtimeSet = true;
      try {
        driver.setMaxDowntime(request.options().maxDowntimeMs());
      } catch (Exception e) {
        log.warn("cannot set the max downtime of {}: {}", request.instanceId(), e.getMessage());
      }
    }
    if (postCopy || abortReason != null) {
      return; // nothing to enforce past the point of no return, or while aborting
    }
    long remaining = stats.remaining();
    if (remaining > 0 && remaining < minRemaining) {
      minRemaining = remaining;
      lastProgressAt = now;
    }
    Long progressTimeout = request.options().progressTimeoutSeconds();
    if (progressTimeout != null
        && progressTimeout > 0
        && forcedBy == null
        && now - lastProgressAt > progressTimeout * 1000) {
      abort("no progress for " + progressTimeout + " s");
      return;
    }
    long completion = request.completionTimeoutSeconds();
    if (completion > 0 && !timeoutActed && now - startedAt > completion * 1000) {
      timeoutActed = true;
      if (request.options().timeoutAction() == TimeoutAction.FORCE_COMPLETE) {
        forceComplete("completion timeout (" + completion + " s)");
      } else {
        abort("completion timeout (" + completion + " s)");
      }
    }
  }

  private void forceComplete(String why) {
    if (request.paused()) {
      // Paused from the start: nothing to force (its memory does not change) and no post-copy.
      abort(why + "; a paused guest cannot be forced to complete");
      return;
    }
    try {
      if (Boolean.TRUE.equals(request.options().permitPostCopy())) {
        driver.startPostCopy();
        forcedBy = "post-copy (" + why + ")";
        markPostCopy("timeout-action");
      } else {
        driver.suspend();
        uncap(driver, request.instanceId());
        forcedBy = "suspend (" + why + ")";
      }
    } catch (Exception e) {
      log.warn("force-complete of {} failed: {}; aborting", request.instanceId(), e.getMessage());
      abort(why + "; force-complete failed: " + e.getMessage());
    }
  }

  /** Lifts the bandwidth cap of a job whose guest was paused to force it (best effort). */
  static void uncap(MigrationDriver driver, String instanceId) {
    try {
      driver.setMaxSpeed(MigrationDriver.UNCAPPED_MIB_PER_SECOND);
    } catch (Exception e) {
      log.warn("cannot lift the bandwidth cap of {}: {}", instanceId, e.getMessage());
    }
  }

  private void abort(String why) {
    if (postCopy || abortReason != null) {
      return;
    }
    abortReason = why;
    progress = progress.withPhase("aborting", why);
    try {
      driver.abortJob();
    } catch (Exception e) {
      log.warn("abort of {} failed: {}", request.instanceId(), e.getMessage());
    }
  }

  private void markPostCopy(String how) {
    if (postCopy) {
      return;
    }
    postCopy = true;
    signal(LiveMigrationWorkflow.POST_COPY_STARTED_SIGNAL, how);
  }

  /** Heartbeats; a real cancel aborts the job (before post-copy only). */
  private void heartbeat() {
    if (heartbeatsDead) {
      return;
    }
    try {
      ctx.heartbeat(progress);
    } catch (ActivityCanceledException e) {
      if (e.getCause() instanceof TimeoutFailure) {
        // The SDK's local heartbeat timeout (the server unreachable for a whole heartbeat timeout,
        // e.g. while it restarts) is thrown as a cancel with a heartbeat TimeoutFailure cause.
        // Nobody asked for an abort: keep watching; the next attempt re-attaches.
        heartbeatsStopped(e);
      } else if (postCopy) {
        log.info("cancel of {} ignored: post-copy has started", request.instanceId());
      } else {
        abort("aborted on request");
      }
    } catch (ActivityWorkerShutdownException e) {
      throw e; // leave the job running: the next attempt re-attaches
    } catch (ActivityCompletionException e) {
      heartbeatsStopped(e); // timed out or gone server-side
    }
  }

  /**
   * Not an abort: keep watching so the libvirt job is not left without its timeouts; this attempt's
   * result is discarded.
   */
  private void heartbeatsStopped(ActivityCompletionException e) {
    log.warn("heartbeats of {} stopped ({}): not an abort", request.instanceId(), e.toString());
    heartbeatsDead = true;
  }

  private JobOutcome finish(Throwable failure, long startedAt) throws Exception {
    SourceState where = driver.sourceState();
    long elapsed = clock.getAsLong() - startedAt;
    if (failure == null) {
      progress = progress.withPhase("completed", null);
      return outcome(Result.COMPLETED, where, null, elapsed);
    }
    String message = failure.getMessage();
    if (where == SourceState.POST_COPY_FAILED
        || (postCopy && where == SourceState.PAUSED_POST_COPY)) {
      return outcome(Result.POST_COPY_FAILED, where, message, elapsed);
    }
    if (where == SourceState.GONE) {
      return outcome(Result.FAILED, where, message, elapsed); // the workflow looks at the dest
    }
    if (abortReason != null) {
      return outcome(Result.ABORTED, where, abortReason, elapsed);
    }
    return outcome(Result.FAILED, where, message, elapsed);
  }

  private JobOutcome outcome(Result result, SourceState where, String message, long elapsed) {
    return new JobOutcome(result, where, message, elapsed, postCopy, forcedBy, progress);
  }

  private JobProgress progressOf(JobStats s, long startedAt) {
    long elapsed = clock.getAsLong() - startedAt;
    String phase = abortReason != null ? "aborting" : postCopy ? "post-copy" : "running";
    if (s == null) {
      return new JobProgress(
          true,
          startedAt,
          phase,
          elapsed,
          progress.memoryTotalBytes(),
          progress.memoryProcessedBytes(),
          progress.memoryRemainingBytes(),
          progress.diskTotalBytes(),
          progress.diskProcessedBytes(),
          progress.diskRemainingBytes(),
          progress.dataRemainingBytes(),
          progress.bytesPerSecond(),
          progress.iteration(),
          progress.dirtyPagesPerSecond(),
          progress.etaSeconds(),
          postCopy,
          forcedBy,
          abortReason);
    }
    long remaining = s.remaining();
    Long eta = s.memoryBps() > 0 ? (remaining + s.memoryBps() - 1) / s.memoryBps() : null;
    return new JobProgress(
        true,
        startedAt,
        phase,
        elapsed,
        s.memoryTotal(),
        s.memoryProcessed(),
        s.memoryRemaining(),
        s.diskTotal(),
        s.diskProcessed(),
        s.diskRemaining(),
        remaining,
        s.memoryBps(),
        s.memoryIteration(),
        s.memoryDirtyRate(),
        eta,
        postCopy,
        forcedBy,
        abortReason);
  }

  private void signal(String name, Object argument) {
    String workflowId = ctx.getInfo().getWorkflowId();
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        signaller.signal(workflowId, name, argument);
        return;
      } catch (RuntimeException e) {
        log.warn(
            "signal {} to {} failed (attempt {}): {}", name, workflowId, attempt, e.toString());
      }
    }
  }

  private void sleep() throws InterruptedException {
    Thread.sleep(Math.max(1, poll.toMillis()));
  }
}
