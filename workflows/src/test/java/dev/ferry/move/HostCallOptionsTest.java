package dev.ferry.move;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.Names;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The options every move's call to a host's agent gets (a move call merged with its method's). */
class HostCallOptionsTest {

  private static final Duration SCHEDULE_TO_START = Duration.ofSeconds(7);

  private static ActivityOptions call(Map<String, ActivityOptions> perMethod, String type) {
    return HostCallOptions.moveCall("h2", SCHEDULE_TO_START).toBuilder()
        .mergeActivityOptions(perMethod.get(type))
        .build();
  }

  /**
   * Define, power-on, remove and inspect never heartbeat, so they have no heartbeat timeout; their
   * StartToClose bounds them, and the short ones (30 s) bound how long a call in flight when its
   * agent was killed holds the move up before the retry reaches the restarted agent.
   */
  @Test
  void aHypervisorCallThatDoesNotHeartbeatHasNoHeartbeatTimeout() {
    Map<String, ActivityOptions> perMethod = HostCallOptions.hypervisorPerMethod(60);
    for (String type :
        List.of("HypervisorInspect", "HypervisorDefine", "HypervisorPowerOn", "HypervisorRemove")) {
      assertNull(call(perMethod, type).getHeartbeatTimeout(), type);
    }
    assertEquals(
        Duration.ofSeconds(30), call(perMethod, "HypervisorPowerOn").getStartToCloseTimeout());
    assertEquals(
        Duration.ofSeconds(30), call(perMethod, "HypervisorDefine").getStartToCloseTimeout());
    assertEquals(
        Duration.ofSeconds(30), call(perMethod, "HypervisorInspect").getStartToCloseTimeout());
  }

  /** powerOff heartbeats while it waits for the guest: its timeout covers the graceful window. */
  @Test
  void powerOffHeartbeatsAndCoversTheGracefulWindow() {
    ActivityOptions powerOff = call(HostCallOptions.hypervisorPerMethod(90), "HypervisorPowerOff");
    assertEquals(Duration.ofSeconds(20), powerOff.getHeartbeatTimeout());
    assertEquals(Duration.ofSeconds(150), powerOff.getStartToCloseTimeout());
  }

  /** A cancelled disk copy is waited for: its agent deletes the partial volume first. */
  @Test
  void aDiskCopyHeartbeatsAndIsWaitedForWhenCancelled() {
    ActivityOptions copy = call(HostCallOptions.diskPerMethod(), "DiskCopyDisk");
    assertEquals(Duration.ofSeconds(20), copy.getHeartbeatTimeout());
    assertEquals(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED, copy.getCancellationType());
    assertNull(call(HostCallOptions.diskPerMethod(), "DiskDeleteDisk").getHeartbeatTimeout());
  }

  /**
   * Every move call goes to the host's queue, waits as told for an agent, never retries a refusal.
   */
  @Test
  void aMoveCallGoesToItsHostRetriesFiveTimesAndNeverARefusal() {
    ActivityOptions options = HostCallOptions.moveCall("h2", SCHEDULE_TO_START);
    assertEquals(Names.hostQueue("h2"), options.getTaskQueue());
    assertEquals(SCHEDULE_TO_START, options.getScheduleToStartTimeout());
    assertEquals(5, options.getRetryOptions().getMaximumAttempts());
    assertArrayEquals(FerryRejection.failureTypes(), options.getRetryOptions().getDoNotRetry());
  }

  /** The live job: its budget, its heartbeat and attempts from the move's tuning, waited for. */
  @Test
  void theLiveJobTakesItsBudgetHeartbeatAndAttempts() {
    ActivityOptions job =
        HostCallOptions.liveJob(
            "h1", SCHEDULE_TO_START, Duration.ofHours(1), Duration.ofSeconds(5), 3);
    assertEquals(Duration.ofHours(1), job.getStartToCloseTimeout());
    assertEquals(Duration.ofSeconds(5), job.getHeartbeatTimeout());
    assertEquals(3, job.getRetryOptions().getMaximumAttempts());
    assertEquals(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED, job.getCancellationType());
  }
}
