package dev.ferry.resize;

import dev.ferry.entities.ConductorStubs;
import dev.ferry.hypervisor.DiskActivities;
import dev.ferry.hypervisor.DiskStubs;
import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.hypervisor.HypervisorStubs;
import dev.ferry.model.Names;
import dev.ferry.move.Summarized;
import dev.ferry.move.WebUiTexts;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.CancellationScope;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A move's way to the hosts' agents: explicit timeouts per call, a summary per call (what the Web
 * UI shows: "power off (web1 on h1)"), and the dead-host verdict. A ScheduleToStart timeout is only
 * a hint: the host's record (HostWorkflow) decides whether the host is dead; once it is, later
 * calls to it fail at once instead of waiting again.
 */
final class HostCalls {

  /**
   * How long a host agent has to pick a call up: longer than an agent restart (a Spring Boot agent
   * needs 5-10 s on 2 cores), so "agent killed and restarted, the move finishes" holds.
   */
  static final Duration SCHEDULE_TO_START = HypervisorStubs.SCHEDULE_TO_START;

  /** A lookup and an XML dump: well under a second on a healthy libvirt. */
  static final Duration INSPECT = Duration.ofSeconds(30);

  /** Writing a definition (XML edit + virDomainDefineXML). */
  static final Duration DEFINE = Duration.ofSeconds(60);

  /** Starting QEMU: a few seconds for a TCG guest; margin for a loaded 2-core host. */
  static final Duration POWER_ON = Duration.ofMinutes(2);

  /** Destroy (waits for QEMU to exit) and undefine. */
  static final Duration REMOVE = Duration.ofMinutes(2);

  /** powerOff = ACPI wait of the graceful seconds, then destroy: this margin covers the destroy. */
  static final Duration POWER_OFF_MARGIN = Duration.ofSeconds(60);

  /**
   * powerOff heartbeats while it waits for the guest; a killed agent is noticed after this, not
   * after the whole graceful window.
   */
  static final Duration POWER_OFF_HEARTBEAT = Duration.ofSeconds(20);

  /**
   * Rounds of ScheduleToStart timeouts tolerated while the host's record still says alive (its
   * lease has not run out yet, or the agent is slow to come back) before the move gives up.
   */
  static final int MAX_UNSTARTED_ROUNDS = 3;

  private final Duration scheduleToStart;
  private final Set<String> unreachable = new HashSet<>();
  private int gracefulShutdownSeconds = 60;
  private String server;

  /**
   * @param scheduleToStart {@link #SCHEDULE_TO_START} in production; tests of dead hosts pass a few
   *     seconds (the test server does not skip time while an activity is scheduled)
   */
  HostCalls(Duration scheduleToStart) {
    this.scheduleToStart = scheduleToStart;
  }

  /** Names the moved server in every call's summary; call once the move's instance is known. */
  void forServer(String name) {
    this.server = name;
  }

  /** Sets powerOff's ACPI window (settings); call before the first call to any host. */
  void useGracefulShutdownSeconds(int seconds) {
    this.gracefulShutdownSeconds = Math.max(0, seconds);
  }

  int gracefulShutdownSeconds() {
    return gracefulShutdownSeconds;
  }

  boolean isUnreachable(String host) {
    return unreachable.contains(host);
  }

  /**
   * Runs {@code call} against {@code host}'s agent. Throws {@link HostUnreachableException} when
   * the host is dead (by its record), {@link MoveStepException} when the call failed.
   */
  <T> T call(String host, String what, Function<HypervisorActivities, T> call) {
    return invoke(
        host,
        what,
        () ->
            call.apply(
                Summarized.stub(
                    HypervisorActivities.class,
                    defaults(host),
                    perMethod(gracefulShutdownSeconds),
                    WebUiTexts.hostCall(what, server, host))));
  }

  /** {@link #call} for the host's disk activities (volumes, probes, the disk copy). */
  <T> T disk(String host, String what, Function<DiskActivities, T> call) {
    return invoke(
        host,
        what,
        () ->
            call.apply(
                Summarized.stub(
                    DiskActivities.class,
                    defaults(host),
                    diskPerMethod(),
                    WebUiTexts.hostCall(what, server, host))));
  }

  private <T> T invoke(String host, String what, Supplier<T> call) {
    if (unreachable.contains(host)) {
      throw new HostUnreachableException(
          host, what + " on " + host + " not tried: host " + host + " is unreachable");
    }
    for (int round = 1; ; round++) {
      try {
        return call.get();
      } catch (ActivityFailure f) {
        if (CancellationScope.current().isCancelRequested()) {
          // An interrupted step (CancelWatch): says nothing about the host's health.
          throw new MoveStepException(what + " on " + host + " cancelled");
        }
        if (!Failures.neverStarted(f)) {
          if (Failures.timedOut(f) && !isAlive(host)) {
            // It started, then its agent went silent for good (retries included).
            unreachable.add(host);
            throw new HostUnreachableException(
                host,
                what
                    + " on "
                    + host
                    + " failed: host "
                    + host
                    + " is unreachable ("
                    + Failures.message(f)
                    + ")");
          }
          throw new MoveStepException(what + " on " + host + " failed: " + Failures.message(f));
        }
        if (round >= MAX_UNSTARTED_ROUNDS || !isAlive(host)) {
          unreachable.add(host);
          throw new HostUnreachableException(
              host,
              what
                  + " on "
                  + host
                  + " failed: host "
                  + host
                  + " is unreachable (no agent took the call within "
                  + scheduleToStart.toSeconds()
                  + " s"
                  + (round >= MAX_UNSTARTED_ROUNDS ? ", " + round + " times" : "")
                  + ")");
        }
        // Its record still says alive: the agent is restarting; offer the call again.
      }
    }
  }

  private boolean isAlive(String host) {
    try {
      return ConductorStubs.summarized(WebUiTexts.hostAlive(host))
          .hostRecords()
          .get(host)
          .isAlive();
    } catch (ActivityFailure f) {
      if (CancellationScope.current().isCancelRequested()) {
        throw new MoveStepException("looking up host " + host + " cancelled");
      }
      return false; // no record (UNKNOWN_HOST) or no answer: nothing says it is alive
    }
  }

  /**
   * The disk calls' own timeouts: volume calls are short, the copy heartbeats its progress. An
   * interrupted copy (a cancelled move) is waited for: its agent deletes the partial volume before
   * the move's compensation runs.
   */
  static Map<String, ActivityOptions> diskPerMethod() {
    Map<String, ActivityOptions> options = new HashMap<>(DiskStubs.perMethod());
    options.put(
        "DiskCopyDisk",
        ActivityOptions.newBuilder(options.get("DiskCopyDisk"))
            .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
            .build());
    return options;
  }

  private ActivityOptions defaults(String host) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(Names.hostQueue(host))
        .setScheduleToStartTimeout(scheduleToStart)
        .setStartToCloseTimeout(DEFINE)
        // libvirt hiccups and killed agents are retried a few times with backoff (every call is
        // idempotent); rejections (bad input) never.
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(Duration.ofSeconds(1))
                .setBackoffCoefficient(2.0)
                .setMaximumInterval(Duration.ofSeconds(20))
                .setMaximumAttempts(5)
                .setDoNotRetry(HypervisorStubs.rejectionTypes())
                .build())
        .build();
  }

  /** StartToClose per call, keyed by activity type ({@code Hypervisor} + method). */
  static Map<String, ActivityOptions> perMethod(int gracefulSeconds) {
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

  private static ActivityOptions startToClose(Duration timeout) {
    return ActivityOptions.newBuilder().setStartToCloseTimeout(timeout).build();
  }
}
