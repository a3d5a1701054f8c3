package dev.ferry.host.agent;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StallDetectorTest {
  private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

  private final AtomicLong clock = new AtomicLong(5_000_000_000L);
  private final LeaseDeadline lease = new LeaseDeadline("host-a", clock::get);
  private final StallDetector detector = new StallDetector(lease, clock::get);

  @Test
  void regularTicksLeaveALiveLeaseLive() {
    lease.acknowledged(clock.get(), HEARTBEAT_TIMEOUT);
    for (int i = 0; i < 30; i++) {
      advance(StallDetector.TICK);
      detector.tick();
    }
    assertTrue(lease.isLive());
  }

  @Test
  void aGapFarAboveTheTickExpiresTheLeaseAtOnceThoughItsDeadlineHasNotPassed() {
    lease.acknowledged(clock.get(), HEARTBEAT_TIMEOUT);
    detector.tick();

    advance(StallDetector.STALL.plusMillis(1)); // stopped: the deadline is still ahead
    detector.tick();

    assertFalse(lease.isLive());
  }

  @Test
  void afterAStallOnlyAHeartbeatSentAfterItMakesTheLeaseLiveAgain() {
    long sentBeforeTheStall = clock.get();
    lease.acknowledged(sentBeforeTheStall, HEARTBEAT_TIMEOUT);
    detector.tick();
    advance(Duration.ofSeconds(3));
    detector.tick();

    lease.acknowledged(sentBeforeTheStall, HEARTBEAT_TIMEOUT); // answered only after the stall
    assertFalse(lease.isLive());

    lease.acknowledged(clock.get(), HEARTBEAT_TIMEOUT);
    assertTrue(lease.isLive());
  }

  private void advance(Duration by) {
    clock.addAndGet(by.toNanos());
  }
}
