package dev.ferry.evacuate;

import dev.ferry.entities.ConductorStubs;
import dev.ferry.hypervisor.DiskActivities;
import dev.ferry.hypervisor.DiskStubs;
import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.hypervisor.HypervisorStubs;
import dev.ferry.model.Names;
import dev.ferry.move.Summarized;
import dev.ferry.move.WebUiTexts;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An evacuation's calls to the DESTINATION host's agent (the source is dead: it is never called). A
 * ScheduleToStart timeout is a hint: the host's record decides whether the host died meanwhile;
 * once it has, later calls to it fail at once. Each call carries a summary, what the Web UI shows:
 * "define (web1 on h2)".
 */
final class AgentCalls {

  static final Duration INSPECT = Duration.ofSeconds(30);
  static final Duration DEFINE = Duration.ofSeconds(60);
  static final Duration POWER_ON = Duration.ofMinutes(2);
  static final Duration REMOVE = Duration.ofMinutes(2);

  /** Rounds of ScheduleToStart timeouts tolerated while the host's record still says alive. */
  static final int MAX_UNSTARTED_ROUNDS = 3;

  /** A step failed; the message says what, where. */
  static class StepException extends RuntimeException {
    StepException(String message) {
      super(message);
    }
  }

  /** The host is dead by its record: work owed to it goes on its cleanup list. */
  static final class UnreachableException extends StepException {
    UnreachableException(String message) {
      super(message);
    }
  }

  private final Duration scheduleToStart;
  private final Set<String> unreachable = new HashSet<>();
  private String server;

  AgentCalls(Duration scheduleToStart) {
    this.scheduleToStart = scheduleToStart;
  }

  /** Names the evacuated server in every call's summary; call once the instance is known. */
  void forServer(String name) {
    this.server = name;
  }

  <T> T call(String host, String what, Function<HypervisorActivities, T> call) {
    return invoke(host, what, () -> call.apply(stub(host, what)));
  }

  /** As {@link #call}, for the host's disk activities. */
  <T> T disk(String host, String what, Function<DiskActivities, T> call) {
    return invoke(host, what, () -> call.apply(diskStub(host, what)));
  }

  private <T> T invoke(String host, String what, Supplier<T> call) {
    if (unreachable.contains(host)) {
      throw new UnreachableException(
          what + " on " + host + " not tried: host " + host + " is unreachable");
    }
    for (int round = 1; ; round++) {
      try {
        return call.get();
      } catch (ActivityFailure f) {
        if (!neverStarted(f)) {
          if (timedOut(f) && !isAlive(host)) {
            unreachable.add(host);
            throw new UnreachableException(
                what + " on " + host + " failed: host " + host + " is unreachable");
          }
          throw new StepException(what + " on " + host + " failed: " + message(f));
        }
        if (round >= MAX_UNSTARTED_ROUNDS || !isAlive(host)) {
          unreachable.add(host);
          throw new UnreachableException(
              what
                  + " on "
                  + host
                  + " failed: host "
                  + host
                  + " is unreachable (no agent took the call within "
                  + scheduleToStart.toSeconds()
                  + " s)");
        }
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
      return false;
    }
  }

  private HypervisorActivities stub(String host, String what) {
    return Summarized.stub(
        HypervisorActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(Names.hostQueue(host))
            .setScheduleToStartTimeout(scheduleToStart)
            .setStartToCloseTimeout(DEFINE)
            // an agent killed mid-call is noticed after this, not after the whole
            // StartToClose (power-on: 2 min); as HypervisorStubs, whose calls are the same
            .setHeartbeatTimeout(HypervisorStubs.HEARTBEAT_TIMEOUT)
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofSeconds(1))
                    .setBackoffCoefficient(2.0)
                    .setMaximumInterval(Duration.ofSeconds(20))
                    .setMaximumAttempts(5)
                    .setDoNotRetry(HypervisorStubs.rejectionTypes())
                    .build())
            .build(),
        Map.of(
            "HypervisorInspect", startToClose(INSPECT),
            "HypervisorDefine", startToClose(DEFINE),
            "HypervisorPowerOn", startToClose(POWER_ON),
            "HypervisorRemove", startToClose(REMOVE)),
        WebUiTexts.hostCall(what, server, host));
  }

  private DiskActivities diskStub(String host, String what) {
    return Summarized.stub(
        DiskActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(Names.hostQueue(host))
            .setScheduleToStartTimeout(scheduleToStart)
            .setStartToCloseTimeout(DiskStubs.VOLUME_CALL)
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofSeconds(1))
                    .setMaximumInterval(Duration.ofSeconds(10))
                    .setMaximumAttempts(5)
                    .setDoNotRetry(HypervisorStubs.rejectionTypes())
                    .build())
            .build(),
        DiskStubs.perMethod(),
        WebUiTexts.hostCall(what, server, host));
  }

  private static ActivityOptions startToClose(Duration timeout) {
    return ActivityOptions.newBuilder().setStartToCloseTimeout(timeout).build();
  }

  /** The most specific message in the cause chain: the agent's own words when there are some. */
  static String message(Throwable failure) {
    String message = failure.getMessage();
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof ApplicationFailure af) {
        message = af.getOriginalMessage();
      } else if (c instanceof TimeoutFailure tf) {
        message =
            "timed out ("
                + tf.getTimeoutType().name().replace("TIMEOUT_TYPE_", "").toLowerCase()
                + ")";
      }
    }
    return message;
  }

  private static boolean neverStarted(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof TimeoutFailure tf
          && tf.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) {
        return true;
      }
    }
    return false;
  }

  private static boolean timedOut(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof TimeoutFailure) {
        return true;
      }
    }
    return false;
  }
}
