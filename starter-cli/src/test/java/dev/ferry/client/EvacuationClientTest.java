package dev.ferry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.evacuate.HostMoves;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.VmState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's evacuation and drain checks, against fake entities: hosts a (UP), b (UP), c (DOWN),
 * d (UP, disabled). Refusals change nothing.
 */
class EvacuationClientTest {
  private FakeFerry ferry;
  private FerryClient client;

  @BeforeEach
  void setUp() {
    ferry = new FakeFerry().standardCluster();
    client = ferry.client();
  }

  @AfterEach
  void tearDown() {
    client.close();
    ferry.close();
  }

  @Test
  void evacuatingAServerOfAnUpHostIsRefusedWithHostInUseAndNothingStarts() {
    InstanceRecord vm = ferry.server("vm1", "m1.small", "a", VmState.ACTIVE);
    ferry.nextIds("11111111-1111-4111-8111-111111111111");

    FerryRejection r =
        assertThrows(FerryRejection.class, () -> client.evacuation().evacuate("vm1", null, null));

    assertEquals(Reason.HOST_IN_USE, r.reason());
    assertTrue(r.getMessage().contains("host a is UP and not forced down"), r.getMessage());
    assertTrue(r.getMessage().contains("ferry host set-down a"), r.getMessage());
    assertFalse(ferry.exists("move:11111111-1111-4111-8111-111111111111"));
    assertFalse(client.servers().get(vm.id).isBusy());
  }

  @Test
  void evacuatingAServerOfADownHostStartsItsMove() {
    ferry.server("vm1", "m1.small", "c", VmState.ERROR);
    ferry.nextIds("22222222-2222-4222-8222-222222222222");

    String moveId = client.evacuation().evacuate("vm1", "b", "confirmed-off");

    assertEquals("22222222-2222-4222-8222-222222222222", moveId);
  }

  @Test
  void aSecondEvacuationWhileOneRunsAnswersWithTheRunningOne() {
    ferry.server("hold1", "m1.small", "c", VmState.ACTIVE); // hold*: the fake evacuation waits
    ferry.nextIds("33333333-3333-4333-8333-333333333333", "44444444-4444-4444-8444-444444444444");

    String first = client.evacuation().evacuate("hold1", null, null);
    String second = client.evacuation().evacuate("hold1", null, null);

    assertEquals("33333333-3333-4333-8333-333333333333", first);
    assertEquals(first, second);
    assertFalse(ferry.exists("move:44444444-4444-4444-8444-444444444444"));
  }

  @Test
  void badRequestsAreRefusedBeforeAnythingStarts() {
    ferry.server("vm1", "m1.small", "c", VmState.ACTIVE);
    ferry.server("vm2", "m1.small", "c", VmState.RESIZED);
    assertEquals(
        Reason.INVALID_ARGUMENT,
        assertThrows(
                FerryRejection.class, () -> client.evacuation().evacuate("vm1", null, "stonith"))
            .reason());
    assertEquals(
        Reason.SAME_HOST,
        assertThrows(FerryRejection.class, () -> client.evacuation().evacuate("vm1", "c", null))
            .reason());
    assertEquals(
        Reason.HOST_UNAVAILABLE,
        assertThrows(FerryRejection.class, () -> client.evacuation().evacuate("vm1", "d", null))
            .reason());
    assertEquals(
        Reason.INVALID_STATE,
        assertThrows(FerryRejection.class, () -> client.evacuation().evacuate("vm2", null, null))
            .reason());
  }

  @Test
  void hostEvacuationOfAnUpHostIsRefusedAndNothingStarts() {
    FerryRejection r =
        assertThrows(FerryRejection.class, () -> client.evacuation().evacuateHost("a", 2, null));
    assertEquals(Reason.HOST_IN_USE, r.reason());
    assertFalse(ferry.exists(HostMoves.evacuationWorkflowId("a")));
  }

  @Test
  void hostEvacuationToAnUnusableTargetIsRefusedAndNothingStarts() {
    assertEquals(
        Reason.SAME_HOST,
        assertThrows(
                FerryRejection.class, () -> client.evacuation().evacuateHost("c", 2, null, "c"))
            .reason());
    assertEquals(
        Reason.HOST_UNAVAILABLE,
        assertThrows(
                FerryRejection.class, () -> client.evacuation().evacuateHost("c", 2, null, "d"))
            .reason());
    assertFalse(ferry.exists(HostMoves.evacuationWorkflowId("c")));
  }

  @Test
  void drainOfADownHostIsRefusedAndNothingStarts() {
    FerryRejection r =
        assertThrows(FerryRejection.class, () -> client.evacuation().drainHost("c", 1));
    assertEquals(Reason.HOST_UNAVAILABLE, r.reason());
    assertTrue(r.getMessage().contains("ferry host evacuate c"), r.getMessage());
    assertFalse(ferry.exists(HostMoves.drainWorkflowId("c")));
    assertEquals(
        Reason.INVALID_ARGUMENT,
        assertThrows(FerryRejection.class, () -> client.evacuation().drainHost("a", 0)).reason());
  }
}
