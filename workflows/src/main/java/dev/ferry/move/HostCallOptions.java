package dev.ferry.move;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.Names;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;
import java.util.Map;

/**
 * Every {@link ActivityOptions} of a call to a host's agent, in one place: the queue, how long an
 * agent may take to pick a call up, each call's StartToClose, the heartbeats of the calls that
 * heartbeat, one retry policy. Moves take them through {@link HostCalls}; the instance's own calls
 * (spawn, delete, adopt) through {@link #instanceHypervisor} and {@link #instanceDisk}.
 */
public final class HostCallOptions {

  /**
   * How long a host agent has to pick a call up: longer than an agent restart (a Spring Boot agent
   * needs 5-10 s on 2 cores), so "agent killed and restarted, the move finishes" holds. A timeout
   * here is a hint to ask the host's record, never the verdict that the host is dead.
   */
  public static final Duration SCHEDULE_TO_START = Duration.ofSeconds(60);

  /**
   * A lookup and an XML dump: well under a second on a healthy libvirt. For a call that does not
   * heartbeat, the StartToClose is also how long a call whose agent was killed goes unnoticed
   * before its retry reaches the agent's next incarnation: so the short calls stay short.
   */
  static final Duration INSPECT = Duration.ofSeconds(30);

  /** Writing a definition (XML edit + virDomainDefineXML). */
  static final Duration DEFINE = Duration.ofSeconds(30);

  /** A call without its own entry in its per-method table. */
  static final Duration UNLISTED_CALL = Duration.ofSeconds(60);

  /**
   * Starting QEMU (virDomainCreate returns once QEMU runs, not when the guest has booted): seconds
   * for a TCG guest on a loaded 2-core host, 30 s leaves a wide margin.
   */
  static final Duration POWER_ON = Duration.ofSeconds(30);

  /** Destroy (waits for QEMU to exit) and undefine. */
  static final Duration REMOVE = Duration.ofMinutes(2);

  /** powerOff = ACPI wait of the graceful seconds, then destroy: this margin covers the destroy. */
  static final Duration POWER_OFF_MARGIN = Duration.ofSeconds(60);

  /**
   * powerOff heartbeats while it waits for the guest; a killed agent is noticed after this, not
   * after the whole graceful window. Only calls that heartbeat get a heartbeat timeout: one that
   * does not (a power-on) would fail after it however healthy.
   */
  static final Duration POWER_OFF_HEARTBEAT = Duration.ofSeconds(20);

  /** Creating, deleting a volume, writing or finding a probe (a pool refresh at most). */
  static final Duration VOLUME_CALL = Duration.ofMinutes(2);

  /**
   * A whole disk copy: long enough for a large disk over a slow link; the heartbeat, not this,
   * notices a dead agent.
   */
  static final Duration COPY = Duration.ofHours(6);

  /**
   * The copy heartbeats its progress at least this often (the SDK sends at 0.8 x): an agent killed
   * mid-copy is noticed after this, and the copy is retried by its next incarnation.
   */
  static final Duration COPY_HEARTBEAT = Duration.ofSeconds(20);

  /** pre_live_migration: creating the disks of a block migration may take minutes. */
  static final Duration LIVE_PREPARE = Duration.ofMinutes(10);

  /** Settling a job waits for libvirt to end it, heartbeating meanwhile. */
  static final Duration LIVE_SETTLE = Duration.ofMinutes(10);

  static final Duration LIVE_SETTLE_HEARTBEAT = Duration.ofSeconds(20);

  /** Removing the disks a block migration created or copied. */
  static final Duration LIVE_REMOVE_DISKS = Duration.ofMinutes(2);

  /**
   * The instance's own calls (spawn, delete, adopt): one libvirt call each, a TCG start at most.
   */
  static final Duration INSTANCE_CALL = Duration.ofMinutes(2);

  /** The instance's hypervisor calls: a dead agent is noticed after this, not the StartToClose. */
  static final Duration INSTANCE_HEARTBEAT = Duration.ofSeconds(30);

  /**
   * Attempts of one call: libvirt hiccups and killed agents are retried with backoff (1, 2, 4, 8 s;
   * every call is idempotent); rejections (bad input) never.
   */
  static final int MAX_ATTEMPTS = 5;

  private HostCallOptions() {}

  /**
   * A move's call to {@code host}: its queue, {@code scheduleToStart} (tests of dead hosts pass a
   * few seconds), {@link #UNLISTED_CALL} for a call without its own entry in its per-method table.
   */
  public static ActivityOptions moveCall(String host, Duration scheduleToStart) {
    return agentCall(host, scheduleToStart, UNLISTED_CALL).build();
  }

  /**
   * The live migration job on the source: {@code budget} from the job's completion timeout, its
   * heartbeat (progress freshness and abort latency), and an abort waits for the job to settle.
   */
  public static ActivityOptions liveJob(
      String host, Duration scheduleToStart, Duration budget, Duration heartbeat, int attempts) {
    return agentCall(host, scheduleToStart, budget)
        .setHeartbeatTimeout(heartbeat)
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setRetryOptions(retry(attempts))
        .build();
  }

  /**
   * Cleanup items sent to a serving host's agent: each is a destroy and undefine (and a disk
   * delete), {@link #REMOVE} at most; retried as any host call. Failing, they stay owed.
   */
  public static ActivityOptions hostCleanup(String host) {
    return agentCall(host, SCHEDULE_TO_START, REMOVE).build();
  }

  /** The instance's hypervisor calls (spawn, delete, adopt) on {@code host}. */
  public static ActivityOptions instanceHypervisor(String host) {
    return agentCall(host, SCHEDULE_TO_START, INSTANCE_CALL)
        .setHeartbeatTimeout(INSTANCE_HEARTBEAT)
        .build();
  }

  /** The instance's disk calls on {@code host}; {@link #diskPerMethod} gives each its timeout. */
  public static ActivityOptions instanceDisk(String host) {
    return agentCall(host, SCHEDULE_TO_START, VOLUME_CALL).build();
  }

  /**
   * The disk calls' own timeouts: volume calls are short, the copies heartbeat their progress. An
   * interrupted copy (a cancelled move) is waited for: its agent deletes the partial volume before
   * the move's compensation runs.
   */
  public static Map<String, ActivityOptions> diskPerMethod() {
    ActivityOptions volume = startToClose(VOLUME_CALL);
    ActivityOptions fromImage =
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(COPY)
            .setHeartbeatTimeout(COPY_HEARTBEAT)
            .build();
    ActivityOptions copy =
        fromImage.toBuilder()
            .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
            .build();
    return Map.of(
        "DiskCreateDisk", volume,
        "DiskWriteProbe", volume,
        "DiskProbeExists", volume,
        "DiskRemoveProbe", volume,
        "DiskDeleteDisk", volume,
        "DiskFindImage", volume,
        "DiskCopyDisk", copy,
        "DiskCreateDiskFromImage", fromImage);
  }

  /**
   * StartToClose per hypervisor call, keyed by activity type ({@code Hypervisor} + method);
   * powerOff's covers the cluster's graceful shutdown window.
   */
  public static Map<String, ActivityOptions> hypervisorPerMethod(int gracefulSeconds) {
    return Map.of(
        "HypervisorInspect",
        startToClose(INSPECT),
        "HypervisorDefine",
        startToClose(DEFINE),
        "HypervisorPowerOn",
        startToClose(POWER_ON),
        "HypervisorRemove",
        startToClose(REMOVE),
        "HypervisorPowerOff",
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(gracefulSeconds).plus(POWER_OFF_MARGIN))
            .setHeartbeatTimeout(POWER_OFF_HEARTBEAT)
            .build());
  }

  /** StartToClose (and heartbeat) per live-migration call ({@code Live} + method). */
  public static Map<String, ActivityOptions> livePerMethod() {
    return Map.of(
        "LivePrepareDestination",
        startToClose(LIVE_PREPARE),
        "LiveSettleJob",
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(LIVE_SETTLE)
            .setHeartbeatTimeout(LIVE_SETTLE_HEARTBEAT)
            .build(),
        "LiveRemoveDisks",
        startToClose(LIVE_REMOVE_DISKS));
  }

  private static ActivityOptions.Builder agentCall(
      String host, Duration scheduleToStart, Duration startToClose) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(Names.hostQueue(host))
        .setScheduleToStartTimeout(scheduleToStart)
        .setStartToCloseTimeout(startToClose)
        .setRetryOptions(retry(MAX_ATTEMPTS));
  }

  private static RetryOptions retry(int attempts) {
    return RetryOptions.newBuilder()
        .setInitialInterval(Duration.ofSeconds(1))
        .setBackoffCoefficient(2.0)
        .setMaximumInterval(Duration.ofSeconds(20))
        .setMaximumAttempts(attempts)
        .setDoNotRetry(FerryRejection.failureTypes())
        .build();
  }

  private static ActivityOptions startToClose(Duration timeout) {
    return ActivityOptions.newBuilder().setStartToCloseTimeout(timeout).build();
  }
}
