package dev.ferry.hypervisor.libvirt.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.live.JobOutcome;
import dev.ferry.live.JobOutcome.Result;
import dev.ferry.live.JobOutcome.SourceState;
import dev.ferry.live.JobProgress;
import dev.ferry.live.JobRequest;
import dev.ferry.live.LiveMigrationHostActivities;
import dev.ferry.live.LiveMigrationWorkflow;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.LiveMigrationOptions;
import dev.ferry.model.TimeoutAction;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.client.ActivityCanceledException;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.libvirt.Domain;

/**
 * The job activity's logic against a fake libvirt (a {@link MigrationDriver} that simulates a job):
 * every timeout, cancellation, post-copy, re-attach, force-complete and settle.
 */
@Timeout(30)
class LiveMigrationJobTest {

  private static final String ID = TestLiveHost.ID;
  private static final Duration POLL = Duration.ofMillis(20);

  private TestActivityEnvironment env;
  private TestLiveHost host;
  private FakeDriver driver;
  private final List<String> signals = new CopyOnWriteArrayList<>();
  private final List<JobProgress> heartbeats = new CopyOnWriteArrayList<>();
  private LiveMigrationHostActivities activities;

  @BeforeEach
  void setUp() {
    driver = new FakeDriver();
    host =
        new TestLiveHost(
            (workflowId, name, arg) -> signals.add(name + ":" + arg),
            uuid -> driver,
            Path::of,
            POLL);
    env = host.env;
    env.setActivityHeartbeatListener(JobProgress.class, heartbeats::add);
    activities = host.activities;
  }

  @AfterEach
  void tearDown() {
    host.close();
  }

  // ---- the job -------------------------------------------------------------------------------

  @Test
  void aJobHeartbeatsTheStartedMarkerFirstSignalsAndCompletes() {
    driver.finishAfterPolls = 10;

    JobOutcome out = activities.migrate(request(options(), 0));

    assertEquals(Result.COMPLETED, out.result());
    assertEquals(SourceState.GONE, out.source());
    assertEquals(1, driver.migrations.get());
    assertTrue(heartbeats.get(0).started(), "the first heartbeat is the started marker");
    assertEquals("starting", heartbeats.get(0).phase());
    assertTrue(signals.get(0).startsWith(LiveMigrationWorkflow.JOB_STARTED_SIGNAL + ":"));
    JobProgress running = out.last(); // the last progress, as the last heartbeat carried it
    assertEquals("completed", running.phase());
    assertTrue(running.memoryTotalBytes() > 0);
    assertTrue(running.iteration() >= 1);
    assertNotNull(running.etaSeconds());
    assertEquals(List.of(500L), driver.downtimesSet);
  }

  @Test
  void aCancelAbortsTheLibvirtJobAndTheGuestStaysOnTheSource() {
    driver.finishAfterPolls = Integer.MAX_VALUE;
    env.setActivityHeartbeatListener(
        JobProgress.class,
        p -> {
          heartbeats.add(p);
          if (heartbeats.size() == 3) {
            env.requestCancelActivity();
          }
        });

    JobOutcome out = activities.migrate(request(options(), 0));

    assertEquals(Result.ABORTED, out.result());
    assertEquals(SourceState.RUNNING, out.source());
    assertEquals("aborted on request", out.message());
    assertEquals(1, driver.aborts.get());
  }

  /**
   * The Temporal server away for longer than the heartbeat timeout (a restart): the SDK times the
   * heartbeats out locally and throws a cancel whose cause is a heartbeat TimeoutFailure. That is
   * no abort: the libvirt job runs on to completion, watched by this attempt.
   */
  @Test
  void aLocalHeartbeatTimeoutIsNoAbortTheJobRunsOn() throws Exception {
    driver.finishAfterPolls = 30;
    AtomicInteger beats = new AtomicInteger();
    ActivityExecutionContext serverAway =
        (ActivityExecutionContext)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {ActivityExecutionContext.class},
                (proxy, method, args) ->
                    switch (method.getName()) {
                      case "heartbeat" -> {
                        if (beats.incrementAndGet() >= 3) {
                          throw new ActivityCanceledException(
                              null,
                              new TimeoutFailure(null, null, TimeoutType.TIMEOUT_TYPE_HEARTBEAT));
                        }
                        yield null;
                      }
                      case "getHeartbeatDetails" -> Optional.empty();
                      case "getInfo" -> info("move:m1");
                      default -> null;
                    });
    LiveMigrationJob job =
        new LiveMigrationJob(
            driver,
            serverAway,
            (workflowId, name, arg) -> signals.add(name + ":" + arg),
            POLL,
            System::currentTimeMillis,
            request(options(), 0));

    JobOutcome out = job.run();

    assertTrue(beats.get() >= 3, "the heartbeats timed out locally: " + beats.get());
    assertEquals(0, driver.aborts.get(), "never aborted");
    assertEquals(Result.COMPLETED, out.result(), out::toString);
  }

  private static ActivityInfo info(String workflowId) {
    return (ActivityInfo)
        Proxy.newProxyInstance(
            LiveMigrationJobTest.class.getClassLoader(),
            new Class<?>[] {ActivityInfo.class},
            (proxy, method, args) -> method.getName().equals("getWorkflowId") ? workflowId : null);
  }

  @Test
  void anAbortThatLosesTheRaceReportsTheCompletedMigration() {
    driver.finishAfterPolls = Integer.MAX_VALUE;
    driver.abortLosesRace = true;
    env.setActivityHeartbeatListener(
        JobProgress.class,
        p -> {
          heartbeats.add(p);
          if (heartbeats.size() == 3) {
            env.requestCancelActivity();
          }
        });

    JobOutcome out = activities.migrate(request(options(), 0));

    assertEquals(Result.COMPLETED, out.result());
    assertEquals(SourceState.GONE, out.source());
  }

  @Test
  void aCancelInPostCopyIsIgnored() {
    driver.finishAfterPolls = 30;
    driver.postCopyAtPoll = 2;
    env.setActivityHeartbeatListener(
        JobProgress.class,
        p -> {
          heartbeats.add(p);
          if (p.postCopy() && heartbeats.stream().filter(JobProgress::postCopy).count() == 1) {
            env.requestCancelActivity();
          }
        });

    JobOutcome out = activities.migrate(request(options(), 0));

    assertEquals(Result.COMPLETED, out.result());
    assertTrue(out.postCopy());
    assertEquals(0, driver.aborts.get());
    assertTrue(
        signals.stream()
            .anyMatch(s -> s.startsWith(LiveMigrationWorkflow.POST_COPY_STARTED_SIGNAL)));
  }

  @Test
  void theCompletionTimeoutAborts() {
    driver.finishAfterPolls = Integer.MAX_VALUE;

    JobOutcome out = activities.migrate(request(options(), 1));

    assertEquals(Result.ABORTED, out.result());
    assertEquals("completion timeout (1 s)", out.message());
    assertEquals(1, driver.aborts.get());
  }

  @Test
  void theCompletionTimeoutForceCompletesBySuspendingTheGuest() {
    driver.finishAfterPolls = Integer.MAX_VALUE;
    LiveMigrationOptions o =
        new LiveMigrationOptions(
                null, null, null, null, TimeoutAction.FORCE_COMPLETE, 0L, null, false, null, null)
            .resolvedWith(LiveMigrationOptions.DEFAULTS);

    JobOutcome out = activities.migrate(request(o, 1));

    assertEquals(Result.COMPLETED, out.result());
    assertEquals("suspend (completion timeout (1 s))", out.forcedBy());
    assertEquals(1, driver.suspends.get());
    assertEquals(0, driver.aborts.get());
    assertEquals(List.of(MigrationDriver.UNCAPPED_MIB_PER_SECOND), driver.speedsSet);
  }

  /** A guest paused from the start has nothing to force and no post-copy: its job is aborted. */
  @Test
  void theCompletionTimeoutOfAPausedGuestAbortsInsteadOfForcing() {
    driver.finishAfterPolls = Integer.MAX_VALUE;
    LiveMigrationOptions o =
        new LiveMigrationOptions(
                null, null, null, null, TimeoutAction.FORCE_COMPLETE, 0L, null, true, null, null)
            .resolvedWith(LiveMigrationOptions.DEFAULTS);

    JobOutcome out = activities.migrate(paused(request(o, 1)));

    assertEquals(Result.ABORTED, out.result());
    assertEquals(
        "completion timeout (1 s); a paused guest cannot be forced to complete", out.message());
    assertEquals(1, driver.aborts.get());
    assertEquals(0, driver.suspends.get());
    assertEquals(0, driver.postCopies.get());
  }

  /** VIR_MIGRATE_PAUSED keeps a guest paused from the start paused at the destination. */
  @Test
  void aPausedGuestIsMigratedWithThePausedFlagAndNeverPostCopy() {
    LiveMigrationOptions o =
        new LiveMigrationOptions(
                null, null, null, null, TimeoutAction.ABORT, 0L, null, true, null, null)
            .resolvedWith(LiveMigrationOptions.DEFAULTS);

    int running = LibvirtMigrationDriver.flags(request(o, 0));
    int paused = LibvirtMigrationDriver.flags(paused(request(o, 0)));

    assertEquals(0, running & Domain.MigrateFlags.PAUSED);
    assertEquals(Domain.MigrateFlags.POSTCOPY, running & Domain.MigrateFlags.POSTCOPY);
    assertEquals(Domain.MigrateFlags.PAUSED, paused & Domain.MigrateFlags.PAUSED);
    assertEquals(0, paused & Domain.MigrateFlags.POSTCOPY);
    assertEquals(Domain.MigrateFlags.LIVE, paused & Domain.MigrateFlags.LIVE);
  }

  @Test
  void theCompletionTimeoutSwitchesToPostCopyWhenPermitted() {
    driver.finishAfterPolls = Integer.MAX_VALUE;
    LiveMigrationOptions o =
        new LiveMigrationOptions(
                null, null, null, null, TimeoutAction.FORCE_COMPLETE, 0L, null, true, null, null)
            .resolvedWith(LiveMigrationOptions.DEFAULTS);

    JobOutcome out = activities.migrate(request(o, 1));

    assertEquals(Result.COMPLETED, out.result());
    assertTrue(out.postCopy());
    assertEquals("post-copy (completion timeout (1 s))", out.forcedBy());
    assertEquals(1, driver.postCopies.get());
    assertTrue(
        signals.contains(LiveMigrationWorkflow.POST_COPY_STARTED_SIGNAL + ":timeout-action"));
  }

  @Test
  void theProgressTimeoutAbortsAJobThatStopsConverging() {
    driver.finishAfterPolls = Integer.MAX_VALUE;
    driver.stallRemaining = true;
    LiveMigrationOptions o =
        new LiveMigrationOptions(null, null, null, 0L, null, 1L, null, null, null, null)
            .resolvedWith(LiveMigrationOptions.DEFAULTS);

    JobOutcome out = activities.migrate(request(o, 0));

    assertEquals(Result.ABORTED, out.result());
    assertEquals("no progress for 1 s", out.message());
  }

  @Test
  void aLibvirtFailureBeforeSwitchoverIsReportedWithTheGuestOnTheSource() {
    driver.finishAfterPolls = 3;
    driver.failWith = "unable to connect to server at 'host-b:49152'";

    JobOutcome out = activities.migrate(request(options(), 0));

    assertEquals(Result.FAILED, out.result());
    assertEquals(SourceState.RUNNING, out.source());
    assertTrue(out.message().contains("unable to connect"), out.message());
  }

  @Test
  void aPostCopyFailureIsReportedForRecovery() {
    driver.finishAfterPolls = 6;
    driver.postCopyAtPoll = 2;
    driver.failWith = "post-copy: connection lost";

    JobOutcome out = activities.migrate(request(options(), 0));

    assertEquals(Result.POST_COPY_FAILED, out.result());
    assertEquals(SourceState.POST_COPY_FAILED, out.source());
  }

  @Test
  void aRetryWithTheStartedMarkerReattachesToTheRunningJob() {
    driver.jobActive = true;
    driver.finishAfterPolls = 5; // the job of the lost attempt goes on, then completes
    env.setHeartbeatDetails(JobProgress.starting(System.currentTimeMillis() - 60_000, "attempt 1"));

    JobOutcome out = activities.migrate(request(options(), 0));

    assertEquals(Result.COMPLETED, out.result());
    assertEquals(0, driver.migrations.get(), "never a second migration");
    assertTrue(out.elapsedMs() >= 60_000, "elapsed time carried forward: " + out.elapsedMs());
  }

  @Test
  void aRetryFindingTheJobEndedReportsItsOutcomeWithoutMigrating() {
    driver.jobActive = false;
    driver.state = SourceState.RUNNING;
    env.setHeartbeatDetails(JobProgress.starting(System.currentTimeMillis(), "attempt 1"));

    JobOutcome out = activities.migrate(request(options(), 0));

    assertEquals(Result.FAILED, out.result());
    assertEquals(SourceState.RUNNING, out.source());
    assertEquals(0, driver.migrations.get());
  }

  @Test
  void aJobAlreadyRunningWithoutAMarkerIsWatchedNotDuplicated() {
    driver.jobActive = true;
    driver.finishAfterPolls = 3;

    JobOutcome out = activities.migrate(request(options(), 0));

    assertEquals(Result.COMPLETED, out.result());
    assertEquals(0, driver.migrations.get());
  }

  @Test
  void postCopyResumeRecoversAFailedPostCopy() {
    driver.state = SourceState.POST_COPY_FAILED;
    driver.finishAfterPolls = 3;
    JobRequest resume =
        new JobRequest("m1", ID, "b", "qemu+tcp://b/system", false, true, options(), 0, 4, true);

    JobOutcome out = activities.migrate(resume);

    assertEquals(Result.COMPLETED, out.result());
    assertEquals(1, driver.migrations.get());
    assertTrue(driver.lastRequest.resumePostCopy());
  }

  // ---- force-complete and settle -------------------------------------------------------------

  @Test
  void forceCompleteSuspendsOrSwitchesToPostCopy() {
    driver.jobActive = true;
    assertEquals("suspend", activities.forceComplete(ID, false));
    driver.jobActive = true;
    assertEquals("post-copy", activities.forceComplete(ID, true));
    driver.jobActive = false;
    ActivityFailure f =
        assertThrows(ActivityFailure.class, () -> activities.forceComplete(ID, false));
    assertEquals(
        FerryRejection.Reason.INVALID_STATE, FerryRejection.from(f).orElseThrow().reason());
  }

  @Test
  void settleAbortsAndWaitsForTheJobToEnd() {
    driver.jobActive = true;
    driver.finishAfterPolls = Integer.MAX_VALUE;

    JobOutcome out = activities.settleJob(ID, true);

    assertEquals(Result.ABORTED, out.result());
    assertEquals(SourceState.RUNNING, out.source());
    assertEquals(1, driver.aborts.get());
  }

  @Test
  void settleNeverAbortsPostCopy() {
    driver.jobActive = false;
    driver.state = SourceState.POST_COPY_FAILED;

    JobOutcome out = activities.settleJob(ID, true);

    assertEquals(Result.POST_COPY_FAILED, out.result());
    assertEquals(0, driver.aborts.get());
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static LiveMigrationOptions options() {
    return LiveMigrationOptions.NONE.resolvedWith(LiveMigrationOptions.DEFAULTS);
  }

  private static JobRequest request(LiveMigrationOptions o, long completionTimeoutSeconds) {
    return new JobRequest(
        "m1",
        ID,
        "host-b",
        "qemu+tcp://host-b/system",
        false,
        true,
        o,
        completionTimeoutSeconds,
        4,
        false);
  }

  /** {@code r} for a guest paused when the move started. */
  private static JobRequest paused(JobRequest r) {
    return new JobRequest(
        r.moveId(),
        r.instanceId(),
        r.destHost(),
        r.destUri(),
        r.blockMigration(),
        r.unsafe(),
        r.options(),
        r.completionTimeoutSeconds(),
        r.newEpoch(),
        r.resumePostCopy(),
        true);
  }

  /**
   * A simulated libvirt job: starts with migrate, moves memory each poll, ends after {@code
   * finishAfterPolls} polls (or on abort / suspend / post-copy), as configured.
   */
  static final class FakeDriver implements MigrationDriver {
    volatile SourceState state = SourceState.RUNNING;
    volatile boolean jobActive;
    volatile int finishAfterPolls = 5;
    volatile int postCopyAtPoll = -1;
    volatile boolean abortLosesRace;
    volatile boolean stallRemaining;
    volatile String failWith;
    volatile JobRequest lastRequest;
    final AtomicInteger migrations = new AtomicInteger();
    final AtomicInteger aborts = new AtomicInteger();
    final AtomicInteger suspends = new AtomicInteger();
    final AtomicInteger postCopies = new AtomicInteger();
    final List<Long> downtimesSet = new CopyOnWriteArrayList<>();
    final List<Long> speedsSet = new CopyOnWriteArrayList<>();
    private final AtomicInteger polls = new AtomicInteger();
    private volatile String ending; // null while running: "ok", "aborted", "failed"

    @Override
    public void migrate(JobRequest request) throws Exception {
      lastRequest = request;
      migrations.incrementAndGet();
      jobActive = true;
      while (ending == null) {
        Thread.sleep(5);
      }
      jobActive = false;
      switch (ending) {
        case "ok" -> state = SourceState.GONE;
        case "aborted" -> {
          state = SourceState.RUNNING;
          throw new IllegalStateException(
              "operation aborted: migration out job: canceled by client");
        }
        default -> {
          state = state == SourceState.PAUSED_POST_COPY ? SourceState.POST_COPY_FAILED : state;
          throw new IllegalStateException(failWith);
        }
      }
    }

    @Override
    public Optional<JobStats> activeJob() {
      if (!jobActive) {
        return Optional.empty();
      }
      int n = polls.incrementAndGet();
      if (n == postCopyAtPoll) {
        state = SourceState.PAUSED_POST_COPY;
      }
      if (n >= finishAfterPolls && ending == null) {
        end(failWith != null ? "failed" : "ok");
      }
      long remaining = stallRemaining ? 64L << 20 : Math.max(0, (128L << 20) - n * (4L << 20));
      return Optional.of(
          JobStats.of(
              2,
              Map.of(
                  "memory_total", "" + (128L << 20),
                  "memory_processed", "" + ((128L << 20) - remaining),
                  "memory_remaining", "" + remaining,
                  "memory_bps", "" + (40L << 20),
                  "memory_iteration", "" + (1 + n / 10),
                  "time_elapsed", "" + n * 20)));
    }

    /** Ends the job as the migrate thread will report it; without migrate (re-attach) at once. */
    private void end(String how) {
      ending = how;
      if (migrations.get() == 0) {
        jobActive = false;
        if (how.equals("ok")) {
          state = SourceState.GONE;
        }
      }
    }

    @Override
    public Optional<JobStats> completedJob() {
      return Optional.empty();
    }

    @Override
    public SourceState sourceState() {
      return state;
    }

    @Override
    public void abortJob() {
      aborts.incrementAndGet();
      end(abortLosesRace ? "ok" : "aborted");
    }

    @Override
    public void suspend() {
      suspends.incrementAndGet();
      if (jobActive) {
        end("ok");
      }
    }

    @Override
    public void startPostCopy() {
      postCopies.incrementAndGet();
      state = SourceState.PAUSED_POST_COPY;
      if (jobActive) {
        end("ok");
      }
    }

    @Override
    public void setMaxDowntime(long millis) {
      downtimesSet.add(millis);
    }

    @Override
    public void setMaxSpeed(long mibPerSecond) {
      speedsSet.add(mibPerSecond);
    }
  }
}
