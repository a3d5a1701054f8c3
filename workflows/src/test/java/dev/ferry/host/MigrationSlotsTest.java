package dev.ferry.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.HostRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationSlotsTest {
  private final HostRecord host = new HostRecord();
  private final MigrationSlots slots = new MigrationSlots(host);

  @Test
  void grantsUpToTheLimitThenQueuesFifoAndHandsOnWhenReleased() {
    host.maxConcurrentLiveMigrations = 1;
    assertTrue(slots.acquire("m1"));
    assertFalse(slots.acquire("m2"));
    assertFalse(slots.acquire("m3"));
    assertEquals(List.of("m1"), host.slotHolders);
    assertEquals(List.of("m2", "m3"), host.slotQueue);
    assertEquals(List.of("m2"), slots.release("m1"));
    assertEquals(List.of("m2"), host.slotHolders);
    assertEquals(List.of("m3"), host.slotQueue);
  }

  @Test
  void acquireAndReleaseAreIdempotentByMoveId() {
    assertTrue(slots.acquire("m1"));
    assertTrue(slots.acquire("m1"));
    assertFalse(slots.acquire("m2"));
    assertFalse(slots.acquire("m2"));
    assertEquals(List.of("m2"), host.slotQueue);
    slots.release("m1");
    assertEquals(List.of(), slots.release("m1"));
    assertEquals(List.of("m2"), host.slotHolders);
  }

  @Test
  void aQueuedMoveThatGivesUpLeavesTheQueueWithoutBeingGranted() {
    slots.acquire("m1");
    slots.acquire("m2");
    assertEquals(List.of(), slots.release("m2"));
    assertEquals(List.of("m1"), host.slotHolders);
    assertTrue(host.slotQueue.isEmpty());
  }

  @Test
  void aNewcomerDoesNotOvertakeTheQueue() {
    host.maxConcurrentLiveMigrations = 2;
    slots.acquire("m1");
    slots.acquire("m2");
    assertFalse(slots.acquire("m3"));
    host.maxConcurrentLiveMigrations = 3; // a restarted agent raised the limit
    assertFalse(slots.acquire("m4"));
    assertEquals(List.of("m3", "m4"), host.slotQueue);
  }
}
