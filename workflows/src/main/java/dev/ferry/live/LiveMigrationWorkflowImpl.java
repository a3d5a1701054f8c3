package dev.ferry.live;

import static dev.ferry.live.LiveMigrationEvent.SLOT_GRANTED;
import static dev.ferry.live.LiveRun.SYSTEM;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.LiveMigrationOptions;
import dev.ferry.move.HostCallOptions;
import dev.ferry.move.HostCalls;
import dev.ferry.move.HostUnreachableException;
import dev.ferry.move.MoveInput;
import dev.ferry.move.MoveStepException;
import dev.ferry.move.MoveView;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * A live migration, Nova's way ({@code conductor.tasks.live_migrate} + {@code
 * compute.manager._do_live_migration}), moving only through {@link LiveMigrationStateTable#TABLE}:
 *
 * <ol>
 *   <li>QUEUED: pre-checks (typed refusals: instance, source, destination, hypervisor, CPU,
 *       networks, storage), a placement claim {@code move:<id>} (next candidate when one fails its
 *       checks), then an outbound slot on the source's HostWorkflow. Nothing is touched on a host.
 *   <li>PREPARING: pre_live_migration on the destination.
 *   <li>RUNNING / RUNNING_POST_COPY: the libvirt job, one heartbeating activity on the source.
 *       Abort cancels it; force-complete runs a short second activity; post-copy is the point of no
 *       return.
 *   <li>POST_MIGRATING: post steps on both hosts, the claim swapped to the instance, the epoch
 *       bumped.
 * </ol>
 *
 * Failure: both hosts are looked at first; the destination is rolled back and the source restored
 * only when the guest is seen alive on the source; work a dead host owes goes on its cleanup list.
 * Every path ends in a final status and tells the instance.
 *
 * <p>This class is the flow and the handlers; each concern is a collaborator over one {@link
 * LiveRun}: {@link LivePreChecks} (QUEUED checks, candidate loop; {@link StorageDecision}), {@link
 * DestinationClaim}, {@link OutboundSlot}, {@link JobSupervisor} (PREPARING, the job, abort as
 * cancellation then settle), {@link JobResolution} (where the guest is after the job or a dead
 * host), {@link Switchover} (post steps), {@link PostCopyRecovery}, {@link LiveRollback} (with
 * {@link HostCleanup} for dead hosts), {@link AbortCommand} / {@link ForceCompleteCommand}, and
 * {@link LiveReporting} (transitions, the instance, queries).
 */
public class LiveMigrationWorkflowImpl implements LiveMigrationWorkflow {

  /**
   * Timing of the calls to the hosts. The job's heartbeat timeout sets both progress freshness and
   * abort latency (the SDK sends heartbeats at most every 0.8 x it).
   */
  public record Tuning(
      Duration hostScheduleToStart, Duration jobHeartbeatTimeout, int jobMaxAttempts) {
    public static final Tuning PRODUCTION =
        new Tuning(HostCallOptions.SCHEDULE_TO_START, Duration.ofSeconds(5), 5);
  }

  private final LiveRun run = new LiveRun();
  private final HostCalls hosts;
  private final ClusterDefaults clusterDefaults;
  private final LiveReporting reporting;
  private final LivePreChecks preChecks;
  private final OutboundSlot slot;
  private final JobSupervisor jobs;
  private final JobResolution resolution;
  private final LiveRollback rollback;
  private final AbortCommand abort;
  private final ForceCompleteCommand forceComplete;

  public LiveMigrationWorkflowImpl() {
    this(Tuning.PRODUCTION);
  }

  public LiveMigrationWorkflowImpl(Tuning tuning) {
    hosts = new HostCalls(tuning.hostScheduleToStart(), HostCalls.Refusals.TYPED);
    clusterDefaults = new ClusterDefaults();
    reporting = new LiveReporting(run);
    DestinationClaim claim = new DestinationClaim(run);
    slot = new OutboundSlot(run, reporting);
    preChecks = new LivePreChecks(run, hosts, clusterDefaults, claim, reporting);
    jobs = new JobSupervisor(run, hosts, reporting, tuning);
    Holdings held = new Holdings(claim, slot, new HostCleanup(run));
    Switchover switchover = new Switchover(run, hosts, reporting, held);
    PostCopyRecovery postCopy = new PostCopyRecovery(run, hosts, reporting, jobs, switchover, held);
    rollback = new LiveRollback(run, hosts, reporting, held);
    resolution = new JobResolution(run, hosts, reporting, jobs, switchover, postCopy, rollback);
    abort = new AbortCommand(run);
    forceComplete = new ForceCompleteCommand(run, hosts, jobs, reporting);
  }

  // ---- the run -------------------------------------------------------------------------------

  @Override
  public MoveView run(MoveInput input) {
    begin(input);
    // Cancelling the whole workflow is an abort (it bypasses the validator: post-copy ignores it).
    // The work runs in a detached scope, so a cancel reaches it only through this watcher.
    Async.procedure(this::watchForWorkflowCancel);
    Workflow.newDetachedCancellationScope(
            () -> {
              migrate();
              reporting.closed();
              Workflow.await(Workflow::isEveryHandlerFinished);
            })
        .run();
    return status();
  }

  private void watchForWorkflowCancel() {
    try {
      Workflow.await(run::isFinal);
    } catch (CanceledFailure e) {
      abort.request("workflow cancel");
    }
  }

  private void begin(MoveInput input) {
    run.start(input);
    hosts.forServer(run.record.name);
    reporting.begin();
    LiveMigrationOptions requested =
        run.request.liveOptions() == null ? LiveMigrationOptions.NONE : run.request.liveOptions();
    // The cluster's defaults go into history once: a reconfigured conductor never changes a move.
    run.options = clusterDefaults.begin(requested);
    reporting.announce();
  }

  private void migrate() {
    try {
      preChecks.run();
      run.checksPassed = true;
      reporting.announce();
      slot.await();
      reporting.fire(SLOT_GRANTED, SYSTEM);
      jobs.prepareDestination();
      if (run.abortRequested()) {
        throw new AbortedException();
      }
      JobOutcome outcome = jobs.runJob();
      resolution.resolve(outcome);
    } catch (FerryRejection r) {
      rollback.refused(r);
    } catch (AbortedException e) {
      rollback.rollBack(null, true);
    } catch (HostUnreachableException e) {
      run.noteError(e.getMessage());
      resolution.afterDeadHost(e.host());
    } catch (MoveStepException e) {
      run.noteError(e.getMessage());
      rollback.rollBack(null, false);
    }
  }

  // ---- updates -------------------------------------------------------------------------------

  @Override
  public void validateAbort(String actor) {
    abort.validate();
  }

  @Override
  public LiveMigrationView abort(String actor) {
    abort.handle(actor);
    return live();
  }

  @Override
  public void validateForceComplete(String actor) {
    forceComplete.validate();
  }

  @Override
  public LiveMigrationView forceComplete(String actor) {
    forceComplete.handle(actor);
    return live();
  }

  // ---- signals -------------------------------------------------------------------------------

  @Override
  public void slotGranted(String host) {
    slot.granted(host);
  }

  @Override
  public void jobStarted(JobProgress progress) {
    jobs.jobStarted();
  }

  @Override
  public void postCopyStarted(String how) {
    jobs.markPostCopy(how);
  }

  // ---- queries -------------------------------------------------------------------------------

  @Override
  public MoveView status() {
    return reporting.status();
  }

  @Override
  public LiveMigrationView live() {
    return reporting.live();
  }
}
