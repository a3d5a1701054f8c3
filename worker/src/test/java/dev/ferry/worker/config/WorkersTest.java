package dev.ferry.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkersTest {
  private static final FerryProperties.Temporal TEST_SERVER =
      new FerryProperties.Temporal("localhost:7233", "default", false, Duration.ofSeconds(10));

  @Test
  void anAgentSendsItsHeartbeatsEverySecondNotEvery80PercentOfTheTimeout() {
    // The lease's heartbeat timeout is 10 s: the SDK alone would send every 8 s.
    assertEquals(
        Duration.ofSeconds(1), Workers.agentOptions(TEST_SERVER).getMaxHeartbeatThrottleInterval());
  }

  @Test
  void anAgentKeepsTheSharedOptions() {
    assertEquals(
        Duration.ZERO, Workers.agentOptions(TEST_SERVER).getStickyQueueScheduleToStartTimeout());
  }
}
