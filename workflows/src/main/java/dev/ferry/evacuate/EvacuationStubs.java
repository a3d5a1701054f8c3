package dev.ferry.evacuate;

import dev.ferry.hypervisor.HypervisorStubs;
import dev.ferry.model.Names;
import dev.ferry.move.Summarized;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Stubs of the conductor activities evacuations and host drains use. */
public final class EvacuationStubs {

  /**
   * One fencing attempt: opening a libvirt URI that does not answer fails after 15 s; a BMC power
   * off takes seconds. A method that cannot fence is retried twice, then the evacuation fails.
   */
  public static final ActivityOptions FENCING =
      ActivityOptions.newBuilder()
          .setTaskQueue(Names.CONDUCTOR_QUEUE)
          .setStartToCloseTimeout(Duration.ofMinutes(2))
          .setScheduleToCloseTimeout(Duration.ofMinutes(7))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(2))
                  .setBackoffCoefficient(2.0)
                  .setMaximumAttempts(3)
                  .setDoNotRetry(nonRetryable())
                  .build())
          .build();

  /** The calls into instances and placement a host evacuation / drain makes (short, retried). */
  public static final ActivityOptions HOST_MOVES_CALL =
      ActivityOptions.newBuilder()
          .setTaskQueue(Names.CONDUCTOR_QUEUE)
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setScheduleToCloseTimeout(Duration.ofMinutes(10))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setMaximumInterval(Duration.ofSeconds(15))
                  .setDoNotRetry(HypervisorStubs.rejectionTypes())
                  .build())
          .build();

  /** How long one {@code awaitMoves} long poll may wait before it answers "nothing closed yet". */
  public static final Duration AWAIT_MOVES_MAX = Duration.ofMinutes(5);

  /** The long poll heartbeats every second or so: a killed conductor is noticed after this. */
  public static final Duration AWAIT_MOVES_HEARTBEAT = Duration.ofSeconds(30);

  private EvacuationStubs() {}

  /** A stub for one fencing call, shown as {@code summary} in the Web UI. */
  public static FencingActivities fencing(String summary) {
    return Summarized.stub(FencingActivities.class, FENCING, summary);
  }

  public static HostMovesActivities hostMoves() {
    return hostMoves(AWAIT_MOVES_HEARTBEAT);
  }

  public static HostMovesActivities hostMoves(Duration awaitHeartbeat) {
    return Workflow.newActivityStub(
        HostMovesActivities.class,
        HOST_MOVES_CALL,
        Map.of(
            "HostMovesAwaitMoves",
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(AWAIT_MOVES_MAX.plus(Duration.ofMinutes(1)))
                .setHeartbeatTimeout(awaitHeartbeat)
                .setScheduleToCloseTimeout(Duration.ofMinutes(30))
                .build()));
  }

  private static String[] nonRetryable() {
    List<String> types = new ArrayList<>(List.of(HypervisorStubs.rejectionTypes()));
    types.add(FenceMethods.NOT_CONFIGURED);
    types.add(FenceMethods.UNKNOWN_METHOD);
    return types.toArray(new String[0]);
  }
}
