package dev.ferry.hypervisor;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.Names;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Activity stubs for a host's agent, with the options every caller shares. */
public final class HypervisorStubs {

  /**
   * Longer than an agent restart (a Spring Boot agent needs 5-10 s on 2 cores), so "agent killed
   * and restarted, the move finishes" holds. A timeout here is a hint to ask the HostWorkflow,
   * never the verdict that the host is dead.
   */
  public static final Duration SCHEDULE_TO_START = Duration.ofSeconds(60);

  /** One libvirt call: define, start, inspect. Long enough for a TCG guest start. */
  public static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);

  /**
   * A call on an agent that dies is retried after this instead of after its StartToClose. Every
   * call either returns within seconds or heartbeats while it waits (a graceful power-off).
   */
  public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);

  private HypervisorStubs() {}

  public static ActivityOptions options(String host, Duration startToClose) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(Names.hostQueue(host))
        .setScheduleToStartTimeout(SCHEDULE_TO_START)
        .setStartToCloseTimeout(startToClose)
        .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
        // libvirt hiccups are retried a few times; rejections (bad input) never.
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(Duration.ofSeconds(1))
                .setMaximumInterval(Duration.ofSeconds(10))
                .setMaximumAttempts(5)
                .setDoNotRetry(rejectionTypes())
                .build())
        .build();
  }

  public static HypervisorActivities forHost(String host) {
    return Workflow.newActivityStub(HypervisorActivities.class, options(host, CALL_TIMEOUT));
  }

  public static String[] rejectionTypes() {
    FerryRejection.Reason[] reasons = FerryRejection.Reason.values();
    String[] types = new String[reasons.length];
    for (int i = 0; i < reasons.length; i++) {
      types[i] = FerryRejection.TYPE_PREFIX + reasons[i].name();
    }
    return types;
  }
}
