package dev.ferry.client.fakes;

import static dev.ferry.live.LiveMigrationEvent.ABORTED;
import static dev.ferry.live.LiveMigrationEvent.JOB_STARTED;
import static dev.ferry.live.LiveMigrationEvent.POST_COPY_STARTED;
import static dev.ferry.live.LiveMigrationEvent.POST_DONE;
import static dev.ferry.live.LiveMigrationEvent.ROLLED_BACK;
import static dev.ferry.live.LiveMigrationEvent.SLOT_GRANTED;
import static dev.ferry.live.LiveMigrationEvent.SWITCHED_OVER;

import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.live.JobProgress;
import dev.ferry.live.LiveMigrationEvent;
import dev.ferry.live.LiveMigrationStateTable;
import dev.ferry.live.LiveMigrationStatus;
import dev.ferry.live.LiveMigrationView;
import dev.ferry.live.LiveMigrationWorkflow;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.LiveMigrationOptions;
import dev.ferry.model.MoveOutcome;
import dev.ferry.model.MoveProgress;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.Names;
import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;
import dev.ferry.move.MoveInput;
import dev.ferry.move.MoveView;
import dev.ferry.statemachine.StateMachine;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.List;

/**
 * TEST ONLY: a live migration that walks the live-migration table without touching a host, scripted
 * by the server's name. Its job is an activity of the real job's type ({@code LiveMigrate}) that
 * heartbeats {@link JobProgress} as the real one does, so clients read progress the real way.
 *
 * <ul>
 *   <li>any name: the job runs {@link #JOB_MILLIS} and completes on the destination;
 *   <li>{@code doomed*}: the job fails before switch-over: {@code failed}, back on the source;
 *   <li>{@code hold*}: parks in {@code running} until aborted ({@code cancelled}) or forced to
 *       complete ({@code completed});
 *   <li>{@code postcopy*}: parks in {@code running-post-copy}: abort is refused.
 * </ul>
 */
public class FakeLiveMigration implements LiveMigrationWorkflow {
  public static final String JOB_ERROR = "unable to connect to the destination's libvirt";
  public static final long JOB_MILLIS = 3000;

  /** The job: the real job activity's type, on the conductor's queue. */
  @ActivityInterface(namePrefix = "Live")
  public interface Job {
    /** Heartbeats progress for the job's length; returns whether it completed. */
    boolean migrate(String server);
  }

  /** Heartbeats one progress figure (the SDK throttles the rest), then takes its time. */
  public static final class JobImpl implements Job {
    @Override
    public boolean migrate(String server) {
      Activity.getExecutionContext()
          .heartbeat(
              new JobProgress(
                  true,
                  0,
                  "running",
                  500,
                  256L << 20,
                  120L << 20,
                  136L << 20,
                  0,
                  0,
                  0,
                  136L << 20,
                  16L << 20,
                  2,
                  400,
                  9L,
                  false,
                  null,
                  null));
      try {
        Thread.sleep(JOB_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return !server.startsWith("doomed");
    }
  }

  private final MoveRequest request;
  private final InstanceRecord instance;
  private final StateMachine<LiveMigrationStatus, LiveMigrationEvent> machine;
  private final String dest;
  private final Job job =
      Workflow.newActivityStub(
          Job.class,
          ActivityOptions.newBuilder()
              .setTaskQueue(Names.CONDUCTOR_QUEUE)
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setHeartbeatTimeout(Duration.ofSeconds(10))
              .build());
  private String abortedBy;
  private String forcedBy;
  private boolean postCopy;
  private String error;

  @WorkflowInit
  public FakeLiveMigration(MoveInput input) {
    this.request = input.request();
    this.instance = input.instance();
    this.machine = new StateMachine<>(LiveMigrationStateTable.TABLE, Workflow::currentTimeMillis);
    this.dest = request.destHost() != null ? request.destHost() : "b";
  }

  @Override
  public MoveView run(MoveInput ignored) {
    step(SLOT_GRANTED, "ferry");
    step(JOB_STARTED, "ferry");
    String name = instance.name;
    if (name.startsWith("postcopy")) {
      postCopy = true;
      step(POST_COPY_STARTED, "force-complete by test");
      Workflow.await(() -> false); // parked: the test environment ends it
    }
    if (name.startsWith("hold")) {
      Workflow.await(() -> abortedBy != null || forcedBy != null);
      if (abortedBy != null) {
        step(ABORTED, abortedBy);
        close(false, instance.host);
        return status();
      }
    } else if (!job.migrate(name)) {
      error = "live migration of " + name + " failed: " + JOB_ERROR;
      step(ROLLED_BACK, "ferry");
      close(false, instance.host);
      return status();
    }
    step(SWITCHED_OVER, "ferry");
    step(POST_DONE, "ferry");
    close(true, dest);
    return status();
  }

  @Override
  public LiveMigrationView abort(String actor) {
    abortedBy = actor;
    Workflow.await(machine::isFinal);
    return live();
  }

  @Override
  public void validateAbort(String actor) {
    if (machine.isFinal()) {
      throw FakePlacement.reject(
          Reason.NOTHING_PENDING, "move:" + request.moveId() + " has already ended");
    }
    if (postCopy) {
      throw FakePlacement.reject(
          Reason.INVALID_STATE,
          "move:"
              + request.moveId()
              + " is in post-copy: the guest already runs on "
              + dest
              + " and the migration can no longer be aborted");
    }
  }

  @Override
  public LiveMigrationView forceComplete(String actor) {
    forcedBy = "suspend by " + actor;
    return live();
  }

  @Override
  public void validateForceComplete(String actor) {
    if (machine.state() != LiveMigrationStatus.RUNNING || forcedBy != null) {
      throw FakePlacement.reject(
          Reason.INVALID_STATE,
          "move:"
              + request.moveId()
              + " is "
              + machine.state().novaName()
              + ": only a running live migration can be forced to complete");
    }
  }

  @Override
  public void slotGranted(String host) {}

  @Override
  public void jobStarted(JobProgress progress) {}

  @Override
  public void postCopyStarted(String how) {}

  @Override
  public MoveView status() {
    return MoveView.of(
        request,
        instance,
        instance.host,
        dest,
        machine,
        error == null ? List.of() : List.of(error));
  }

  @Override
  public LiveMigrationView live() {
    boolean completed = machine.state() == LiveMigrationStatus.COMPLETED;
    LiveMigrationOptions requested =
        request.liveOptions() == null ? LiveMigrationOptions.NONE : request.liveOptions();
    return new LiveMigrationView(
        request.moveId(),
        request.instanceId(),
        instance.name,
        instance.host,
        dest,
        machine.state().novaName(),
        machine.isFinal(),
        true,
        false,
        true,
        false,
        requested.resolvedWith(LiveMigrationOptions.DEFAULTS),
        null,
        List.of(),
        abortedBy,
        forcedBy,
        postCopy,
        completed ? 640L : null,
        completed ? 35L : null,
        error);
  }

  private void step(LiveMigrationEvent event, String who) {
    Workflow.sleep(Duration.ofMillis(50));
    LiveMigrationStatus to = machine.fire(event, who);
    instanceStub()
        .moveProgress(
            new MoveProgress(
                request.moveId(),
                to.novaName(),
                null,
                machine.isFinal() ? TaskState.NONE : TaskState.MIGRATING,
                null));
  }

  private void close(boolean succeeded, String host) {
    instanceStub()
        .moveClosed(
            new MoveOutcome(
                request.moveId(),
                machine.state().novaName(),
                succeeded,
                host,
                instance.flavor,
                succeeded ? instance.epoch + 1 : instance.epoch,
                null,
                VmState.ACTIVE,
                instance.powerState,
                error));
  }

  private InstanceWorkflow instanceStub() {
    return Workflow.newExternalWorkflowStub(
        InstanceWorkflow.class, Names.instanceWorkflowId(request.instanceId()));
  }
}
