package dev.ferry.worker.config;

import io.temporal.worker.WorkerOptions;
import java.time.Duration;

/** Worker options shared by the conductor and the agents. */
public final class Workers {
  private Workers() {}

  /**
   * With sticky caching on, the Java test server strands a killed worker's workflows on its sticky
   * queue forever: against it, every workflow task goes to the normal queue (Duration.ZERO).
   */
  public static WorkerOptions options(FerryProperties.Temporal temporal) {
    WorkerOptions.Builder options = WorkerOptions.newBuilder();
    if (!temporal.sticky()) {
      options.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
    }
    return options.build();
  }

  /**
   * Longest wait before an agent's activity heartbeat reaches the server. The SDK otherwise sends
   * one at most every 0.8 x the heartbeat timeout: 8 s of the lease's 10 s, so the server's view of
   * the lease was up to 8 s old and a pause of 2 s at the wrong moment marked the host DOWN. The
   * cost is one small RPC a second per heartbeating activity on the host (the lease, a live
   * migration, a disk copy).
   */
  static final Duration AGENT_HEARTBEAT_THROTTLE = Duration.ofSeconds(1);

  /** A host agent's options: as {@link #options}, heartbeats sent every second at most. */
  public static WorkerOptions agentOptions(FerryProperties.Temporal temporal) {
    return WorkerOptions.newBuilder(options(temporal))
        .setMaxHeartbeatThrottleInterval(AGENT_HEARTBEAT_THROTTLE)
        .build();
  }
}
