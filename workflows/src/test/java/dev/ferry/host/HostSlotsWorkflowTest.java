package dev.ferry.host;

import static dev.ferry.testing.FerryTestEnv.H1;
import static dev.ferry.testing.FerryTestEnv.eventually;
import static dev.ferry.testing.FerryTestEnv.registration;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.when;

import dev.ferry.entities.Entities;
import dev.ferry.model.Names;
import dev.ferry.testing.FerryTestEnv;
import dev.ferry.testing.ScriptedLease;
import dev.ferry.testing.SlotWaiterWorkflow;
import io.temporal.client.WorkflowClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/** Outbound live-migration slots kept on the HostWorkflow. */
@Timeout(value = 90, threadMode = ThreadMode.SEPARATE_THREAD)
class HostSlotsWorkflowTest {
  private FerryTestEnv t;
  private HostWorkflow host;

  @BeforeEach
  void setUp() {
    t = new FerryTestEnv();
    t.startPlacement();
    host = t.startHost(H1);
    host.register(registration("inc-1"));
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  private SlotWaiterWorkflow startWaiter(String moveId) {
    SlotWaiterWorkflow waiter =
        t.client.newWorkflowStub(
            SlotWaiterWorkflow.class, FerryTestEnv.conductorOptions(Names.moveWorkflowId(moveId)));
    WorkflowClient.start(waiter::run);
    return waiter;
  }

  @Test
  void aQueuedMoveIsSignalledWhenTheHolderReleases() {
    SlotWaiterWorkflow second = startWaiter("m2");
    assertTrue(host.acquireSlot("m1"));
    assertFalse(host.acquireSlot("m2"));
    assertEquals(List.of("m2"), host.get().slotQueue);
    assertNull(second.grantedBy());

    host.releaseSlot("m1");
    eventually(() -> assertEquals(H1, second.grantedBy()));
    assertEquals(List.of("m2"), host.get().slotHolders);
  }

  @Test
  void aSlotSurvivesAnAgentRestart() {
    assertTrue(host.acquireSlot("m1"));
    host.register(registration("inc-2"));
    assertFalse(host.acquireSlot("m2"), "a restarted agent must not start a second migration");
    assertEquals(List.of("m1"), host.get().slotHolders);
  }

  @Test
  void aSlotWhoseMoveClosedWithoutReleasingIsReclaimed() {
    SlotWaiterWorkflow second = startWaiter("m2");
    host.acquireSlot("m1");
    host.acquireSlot("m2");
    when(t.inspection.closedOrMissing(anyList())).thenReturn(List.of(Names.moveWorkflowId("m1")));
    // A running lease holds time skipping locked: end it (the host goes DOWN; slots stay).
    ScriptedLease lease = t.lease(H1);
    lease.awaitHoldsStarted("inc-1", 1);
    lease.end("inc-1", HostLeaseActivities.LeaseEnd.RELEASED);
    t.env.sleep(Entities.RECONCILE_EVERY.plusSeconds(5));
    eventually(() -> assertEquals(H1, second.grantedBy()));
    assertEquals(List.of("m2"), host.get().slotHolders);
  }
}
