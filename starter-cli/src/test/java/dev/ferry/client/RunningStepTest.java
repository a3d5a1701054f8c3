package dev.ferry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.client.fakes.FakeVisibility;
import dev.ferry.model.CopyProgress;
import dev.ferry.model.ShutdownWait;
import dev.ferry.model.ShutdownWait.GuestReadiness;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A move's running step as the client reads it: the engine's pending activity and heartbeat. */
class RunningStepTest {
  private static final String MOVE = "55555555-5555-4555-8555-555555555555";

  @Test
  void aDiskCopyIsReadWithItsHeartbeatsBytes() {
    CopyProgress copy = new CopyProgress(3 << 20, 8 << 20, 1_500);
    try (FakeVisibility engine = new FakeVisibility().step(MOVE, "DiskCopyDisk", 2, copy);
        FerryClient client = engine.client()) {
      RunningStep step = client.moves().step(MOVE).orElseThrow();

      assertEquals("DiskCopyDisk", step.activityType());
      assertEquals("copying the disk", step.step());
      assertEquals(2, step.attempt());
      assertEquals(Instant.ofEpochSecond(1_796_000_000L), step.startedAt());
      assertEquals(copy, step.copy());
      assertNull(step.shutdown());
    }
  }

  @Test
  void aGracefulShutdownIsReadWithWhatItWaitsFor() {
    ShutdownWait wait = new ShutdownWait(4_000, 60, GuestReadiness.BOOTING, 2L);
    try (FakeVisibility engine = new FakeVisibility().step(MOVE, "HypervisorPowerOff", 1, wait);
        FerryClient client = engine.client()) {
      RunningStep step = client.moves().step(MOVE).orElseThrow();

      assertEquals("stopping the server", step.step());
      assertEquals(wait, step.shutdown());
      assertNull(step.copy());
    }
  }

  @Test
  void aHeartbeatOfAnotherShapeFromAnOlderAgentIsNoProgressButStillTheStep() {
    try (FakeVisibility engine =
            new FakeVisibility().step(MOVE, "DiskCopyDisk", 1, new long[] {1, 2});
        FerryClient client = engine.client()) {
      RunningStep step = client.moves().step(MOVE).orElseThrow();

      assertEquals("copying the disk", step.step());
      assertNull(step.copy());
    }
  }

  @Test
  void aMoveWaitingOnNoActivityHasNoStep() {
    try (FakeVisibility engine = new FakeVisibility();
        FerryClient client = engine.client()) {
      assertTrue(client.moves().step(MOVE).isEmpty());
    }
  }
}
