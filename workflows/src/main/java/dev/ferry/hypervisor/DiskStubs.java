package dev.ferry.hypervisor;

import dev.ferry.model.Names;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;

/** Activity stubs for a host's {@link DiskActivities}, with the timeouts of each call. */
public final class DiskStubs {

  /** Creating, deleting a volume, writing or finding a probe (a pool refresh at most). */
  public static final Duration VOLUME_CALL = Duration.ofMinutes(2);

  /**
   * A whole disk copy: long enough for a large disk over a slow link; the heartbeat, not this,
   * notices a dead agent.
   */
  public static final Duration COPY = Duration.ofHours(6);

  /**
   * The copy heartbeats its progress at least this often (the SDK sends at 0.8 x): an agent killed
   * mid-copy is noticed after this, and the copy is retried by its next incarnation.
   */
  public static final Duration COPY_HEARTBEAT = Duration.ofSeconds(20);

  private DiskStubs() {}

  /** Options per activity type ({@code Disk} + method), on top of a host's defaults. */
  public static Map<String, ActivityOptions> perMethod() {
    ActivityOptions volume =
        ActivityOptions.newBuilder().setStartToCloseTimeout(VOLUME_CALL).build();
    // Copying a disk, or a base image into a new disk: long, noticed dead by its heartbeat.
    ActivityOptions copy =
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(COPY)
            .setHeartbeatTimeout(COPY_HEARTBEAT)
            .build();
    return Map.of(
        "DiskCreateDisk", volume,
        "DiskWriteProbe", volume,
        "DiskProbeExists", volume,
        "DiskRemoveProbe", volume,
        "DiskDeleteDisk", volume,
        "DiskFindImage", volume,
        "DiskCopyDisk", copy,
        "DiskCreateDiskFromImage", copy);
  }

  /**
   * A stub for {@code host}'s agent: {@link HypervisorStubs#SCHEDULE_TO_START}, a few retries,
   * never of a rejection.
   */
  public static DiskActivities forHost(String host) {
    ActivityOptions defaults =
        ActivityOptions.newBuilder()
            .setTaskQueue(Names.hostQueue(host))
            .setScheduleToStartTimeout(HypervisorStubs.SCHEDULE_TO_START)
            .setStartToCloseTimeout(VOLUME_CALL)
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofSeconds(1))
                    .setMaximumInterval(Duration.ofSeconds(10))
                    .setMaximumAttempts(5)
                    .setDoNotRetry(HypervisorStubs.rejectionTypes())
                    .build())
            .build();
    return Workflow.newActivityStub(DiskActivities.class, defaults, perMethod());
  }
}
