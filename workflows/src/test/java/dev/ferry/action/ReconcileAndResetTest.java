package dev.ferry.action;

import static dev.ferry.testing.FerryTestEnv.H1;
import static dev.ferry.testing.FerryTestEnv.H2;
import static dev.ferry.testing.FerryTestEnv.eventually;
import static dev.ferry.testing.FerryTestEnv.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.instance.InstanceWorkflowImpl;
import dev.ferry.model.ActionRequest;
import dev.ferry.model.ActionSummary;
import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavors;
import dev.ferry.model.GuestState;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.PowerState;
import dev.ferry.model.ResetStateRequest;
import dev.ferry.model.ServerAction;
import dev.ferry.model.VmState;
import dev.ferry.placement.Admission;
import dev.ferry.testing.FerryTestEnv;
import dev.ferry.testing.RecordUnitCorpus;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * The way back from ERROR: a reconcile repairs the record from what the hosts say (moving the claim
 * when the server is elsewhere); reset-state sets what a reconcile cannot decide.
 */
@Timeout(value = 90, threadMode = ThreadMode.SEPARATE_THREAD)
@RecordUnitCorpus({ServerActionWorkflowImpl.class, InstanceWorkflowImpl.class})
class ReconcileAndResetTest {

  private static final String ID = "0b1c2a3b-7d4e-4f60-8a9b-0c1d2e3f4a5b";

  private FerryTestEnv t;

  @BeforeEach
  void setUp() {
    t = new FerryTestEnv();
    when(t.placementActivities.hostNames()).thenReturn(List.of(H1, H2));
    when(t.hostRecords.get(H1)).thenReturn(host(H1, HostStatus.UP));
    when(t.hostRecords.get(H2)).thenReturn(host(H2, HostStatus.UP));
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  private static HostRecord host(String name, HostStatus status) {
    HostRecord h = new HostRecord();
    h.name = name;
    h.status = status;
    return h;
  }

  /** A server a failed move left in ERROR on h1, epoch 3. */
  private static InstanceRecord inError() {
    InstanceRecord r = new InstanceRecord();
    r.id = ID;
    r.name = "app-1";
    r.flavor = Flavors.require("m1.small");
    r.host = H1;
    r.vmState = VmState.ERROR;
    r.powerState = PowerState.NOSTATE;
    r.epoch = 3;
    r.lastError = "move m9 failed while h1 was away";
    return r;
  }

  private static DomainView copy(GuestState state, long epoch) {
    return new DomainView(true, ID, "app-1", state.powerState(), 1, 2048, ID, epoch, null, state);
  }

  private ActionSummary reconcile(InstanceWorkflow instance, String actionId) {
    instance.startAction(new ActionRequest(actionId, ID, ServerAction.RECONCILE, "ops"));
    eventually(() -> assertFalse(instance.get().isBusy()));
    return instance.get().actions.get(instance.get().actions.size() - 1);
  }

  @Test
  void aServerInErrorWhoseGuestRunsFineOnItsHostIsActiveAgain() {
    when(t.hypervisor(H1).inspect(ID)).thenReturn(copy(GuestState.RUNNING, 3));
    when(t.hypervisor(H2).inspect(ID)).thenReturn(DomainView.absent(ID));
    InstanceWorkflow instance = t.startInstance(inError());

    ActionSummary done = reconcile(instance, "r1");

    assertTrue(done.succeeded(), done.message());
    assertEquals("ops", done.requestedBy());
    InstanceRecord r = instance.get();
    assertEquals(VmState.ACTIVE, r.vmState);
    assertEquals(H1, r.host);
    assertNull(r.lastError, "the record says what the hosts say now");
    verify(t.placementActivities, never()).release(anyString());
  }

  @Test
  void foundRunningOnAnotherHostTheRecordAndTheClaimFollowIt() {
    when(t.hypervisor(H1).inspect(ID)).thenReturn(copy(GuestState.SHUT_OFF, 3));
    when(t.hypervisor(H2).inspect(ID)).thenReturn(copy(GuestState.RUNNING, 4));
    InstanceWorkflow instance = t.startInstance(inError());

    assertTrue(reconcile(instance, "r1").succeeded());

    InstanceRecord r = instance.get();
    assertEquals(H2, r.host);
    assertEquals(4, r.epoch);
    assertEquals(VmState.ACTIVE, r.vmState);
    verify(t.placementActivities).release("instance:" + ID);
    verify(t.placementActivities)
        .admit(new Admission(ID, "app-1", H2, Flavors.require("m1.small").resources(), true));
  }

  @Test
  void runningOnTwoHostsIsRefusedLoudlyAndTheRecordStaysInError() {
    when(t.hypervisor(H1).inspect(ID)).thenReturn(copy(GuestState.RUNNING, 3));
    when(t.hypervisor(H2).inspect(ID)).thenReturn(copy(GuestState.RUNNING, 3));
    InstanceWorkflow instance = t.startInstance(inError());

    ActionSummary done = reconcile(instance, "r1");

    assertFalse(done.succeeded());
    assertTrue(done.message().contains("h1 and h2"), done.message());
    assertEquals(VmState.ERROR, instance.get().vmState);
    assertEquals(done.message(), instance.get().lastError);
  }

  @Test
  void aDownHostIsNotAskedAndLeavesTheAnswerUnknown() {
    when(t.hostRecords.get(H1)).thenReturn(host(H1, HostStatus.DOWN));
    when(t.hypervisor(H2).inspect(ID)).thenReturn(DomainView.absent(ID));
    InstanceWorkflow instance = t.startInstance(inError());

    ActionSummary done = reconcile(instance, "r1");

    assertFalse(done.succeeded());
    assertTrue(done.message().contains("unknown on h1 (DOWN)"), done.message());
    verify(t.hypervisor(H1), never()).inspect(anyString());
    assertEquals(VmState.ERROR, instance.get().vmState);
  }

  @Test
  void resetStateSetsActiveOrErrorAndRecordsWhoDidIt() {
    InstanceWorkflow instance = t.startInstance(inError());
    instance.resetState(new ResetStateRequest("x1", ID, VmState.ACTIVE, "admin-2"));
    InstanceRecord r = instance.get();
    assertEquals(VmState.ACTIVE, r.vmState);
    ActionSummary a = r.actions.get(0);
    assertEquals(ServerAction.RESET_STATE, a.action());
    assertEquals("admin-2", a.requestedBy());
    assertEquals("vm state ERROR -> ACTIVE", a.message());

    assertEquals(
        Reason.INVALID_ARGUMENT,
        rejection(() -> instance.resetState(new ResetStateRequest("x2", ID, VmState.PAUSED, "a")))
            .reason());
  }
}
