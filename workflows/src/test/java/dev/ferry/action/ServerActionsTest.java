package dev.ferry.action;

import static dev.ferry.testing.FerryTestEnv.H1;
import static dev.ferry.testing.FerryTestEnv.eventually;
import static dev.ferry.testing.FerryTestEnv.json;
import static dev.ferry.testing.FerryTestEnv.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.instance.InstanceWorkflowImpl;
import dev.ferry.model.ActionOutcome;
import dev.ferry.model.ActionRequest;
import dev.ferry.model.ActionSummary;
import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavors;
import dev.ferry.model.GuestState;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import dev.ferry.model.ServerAction;
import dev.ferry.model.ServerStatus;
import dev.ferry.model.Settings;
import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;
import dev.ferry.testing.FerryTestEnv;
import dev.ferry.testing.RecordUnitCorpus;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.mockito.InOrder;

/**
 * Server actions: each runs on the server's host through the instance's lock, its result is read
 * back from the guest, and what the record alone or the host's state refuses never starts.
 */
@Timeout(value = 90, threadMode = ThreadMode.SEPARATE_THREAD)
@RecordUnitCorpus({ServerActionWorkflowImpl.class, InstanceWorkflowImpl.class})
class ServerActionsTest {

  private static final String ID = "0b1c2a3b-7d4e-4f60-8a9b-0c1d2e3f4a5b";

  private FerryTestEnv t;
  private HypervisorActivities h1;

  @BeforeEach
  void setUp() {
    t = new FerryTestEnv();
    h1 = t.hypervisor(H1);
    when(t.hostRecords.get(H1)).thenReturn(host(HostStatus.UP, false));
    when(t.placementActivities.settings()).thenReturn(Settings.DEFAULTS);
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  private static HostRecord host(HostStatus status, boolean forcedDown) {
    HostRecord h = new HostRecord();
    h.name = H1;
    h.status = status;
    h.forcedDown = forcedDown;
    return h;
  }

  private static InstanceRecord server(VmState vm, PowerState power) {
    InstanceRecord r = new InstanceRecord();
    r.id = ID;
    r.name = "app-1";
    r.flavor = Flavors.require("m1.small");
    r.host = H1;
    r.vmState = vm;
    r.powerState = power;
    r.epoch = 2;
    return r;
  }

  private static DomainView guest(GuestState state) {
    return new DomainView(
        true, ID, "app-1", state.powerState(), 1, 2048, ID, 2, "<domain/>", state);
  }

  private static ActionRequest request(String actionId, ServerAction action) {
    return new ActionRequest(actionId, ID, action, "operator-7");
  }

  private ActionSummary awaitAction(InstanceWorkflow instance, String actionId) {
    eventually(() -> assertFalse(instance.get().isBusy()));
    return instance.get().actions.stream()
        .filter(a -> a.actionId().equals(actionId))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void stopShutsTheGuestDownWithTheGracefulWindowAndRecordsWhoAsked() {
    when(h1.inspect(ID)).thenReturn(guest(GuestState.SHUT_OFF));
    InstanceWorkflow instance = t.startInstance(server(VmState.ACTIVE, PowerState.RUNNING));

    assertEquals("action:a1", instance.startAction(request("a1", ServerAction.STOP)));
    ActionSummary done = awaitAction(instance, "a1");

    verify(h1).powerOff(ID, Settings.DEFAULTS.gracefulShutdownSeconds());
    assertTrue(done.succeeded());
    assertEquals(ServerAction.STOP, done.action());
    assertEquals("operator-7", done.requestedBy());
    InstanceRecord r = instance.get();
    assertEquals(ServerStatus.SHUTOFF, ServerStatus.of(r));
    assertEquals(TaskState.NONE, r.taskState);
    assertNull(r.lastError);
    assertTrue(r.moves.isEmpty(), "an action is not a move");
  }

  @Test
  void eachActionCallsItsHostAndLeavesTheStateItPromises() {
    when(h1.inspect(ID)).thenReturn(guest(GuestState.PAUSED));
    InstanceWorkflow instance = t.startInstance(server(VmState.ACTIVE, PowerState.RUNNING));
    instance.startAction(request("p", ServerAction.PAUSE));
    assertTrue(awaitAction(instance, "p").succeeded());
    verify(h1).pause(ID);
    assertEquals(ServerStatus.PAUSED, ServerStatus.of(instance.get()));

    when(h1.inspect(ID)).thenReturn(guest(GuestState.SAVED));
    instance.startAction(request("s", ServerAction.SUSPEND));
    assertTrue(awaitAction(instance, "s").succeeded());
    verify(h1).managedSave(ID);
    assertEquals(ServerStatus.SUSPENDED, ServerStatus.of(instance.get()));

    when(h1.inspect(ID)).thenReturn(guest(GuestState.RUNNING));
    instance.startAction(request("r", ServerAction.RESUME));
    assertTrue(awaitAction(instance, "r").succeeded());
    verify(h1).powerOn(ID);
    assertEquals(ServerStatus.ACTIVE, ServerStatus.of(instance.get()));
    assertEquals(3, instance.get().actions.size());
  }

  @Test
  void aSoftRebootShutsDownGracefullyThenStartsAndAHardOneDestroysAtOnce() {
    when(h1.inspect(ID)).thenReturn(guest(GuestState.RUNNING));
    InstanceWorkflow instance = t.startInstance(server(VmState.ACTIVE, PowerState.RUNNING));
    instance.startAction(request("soft", ServerAction.REBOOT));
    assertTrue(awaitAction(instance, "soft").succeeded());
    instance.startAction(request("hard", ServerAction.HARD_REBOOT));
    assertTrue(awaitAction(instance, "hard").succeeded());

    InOrder order = inOrder(h1);
    order.verify(h1).powerOff(ID, Settings.DEFAULTS.gracefulShutdownSeconds());
    order.verify(h1).powerOn(ID);
    order.verify(h1).powerOff(ID, 0);
    order.verify(h1).powerOn(ID);
  }

  @Test
  void anActionThatLeavesTheGuestElsewhereFailsAndTheRecordSaysWhereItIs() {
    when(h1.inspect(ID)).thenReturn(guest(GuestState.RUNNING)); // the pause did not take
    InstanceWorkflow instance = t.startInstance(server(VmState.ACTIVE, PowerState.RUNNING));
    instance.startAction(request("p", ServerAction.PAUSE));
    ActionSummary done = awaitAction(instance, "p");
    assertFalse(done.succeeded());
    assertEquals("pause left the guest RUNNING on h1, not PAUSED", done.message());
    assertEquals(VmState.ACTIVE, instance.get().vmState);
    assertEquals(done.message(), instance.get().lastError);
  }

  @Test
  void actionsTheStateDoesNotAllowAreRefusedBeforeAnythingStarts() {
    InstanceWorkflow instance = t.startInstance(server(VmState.STOPPED, PowerState.SHUTDOWN));
    FerryRejection stop = assertRefused(instance, request("x", ServerAction.STOP));
    assertEquals(Reason.INVALID_STATE, stop.reason());
    assertEquals("server app-1 is already STOPPED: nothing to do", stop.getMessage());
    FerryRejection pause = assertRefused(instance, request("y", ServerAction.PAUSE));
    assertEquals(Reason.INVALID_STATE, pause.reason());
    assertEquals(
        "server app-1 is STOPPED; pause needs one of [ACTIVE]: start it first"
            + " ('ferry server start app-1')",
        pause.getMessage());
    FerryRejection reboot = assertRefused(instance, request("z", ServerAction.REBOOT));
    assertEquals(Reason.INVALID_STATE, reboot.reason());
    assertEquals(
        "server app-1 is STOPPED; reboot needs one of [ACTIVE]: start it instead"
            + " ('ferry server start app-1')",
        reboot.getMessage());
    verify(h1, never()).powerOff(anyString(), anyInt());
  }

  @Test
  void anActionOnAServerWhoseHostIsDownIsRefusedAndLeavesNoRecord() {
    when(t.hostRecords.get(H1)).thenReturn(host(HostStatus.DOWN, false));
    InstanceWorkflow instance = t.startInstance(server(VmState.ACTIVE, PowerState.RUNNING));
    FerryRejection r = assertRefused(instance, request("x", ServerAction.STOP));
    assertEquals(Reason.HOST_UNAVAILABLE, r.reason());
    assertTrue(r.getMessage().contains("host h1 of app-1 is DOWN"), r.getMessage());
  }

  @Test
  void aBusyServerRefusesActionsAndAnActionHoldsTheServerAgainstMoves() {
    InstanceWorkflow instance = t.startInstance(server(VmState.ACTIVE, PowerState.RUNNING));
    when(h1.powerOff(ID, Settings.DEFAULTS.gracefulShutdownSeconds()))
        .thenAnswer(
            i -> {
              TimeUnit.SECONDS.sleep(2); // the guest takes its time
              return guest(GuestState.SHUT_OFF);
            });
    when(h1.inspect(ID)).thenReturn(guest(GuestState.SHUT_OFF));
    instance.startAction(request("a1", ServerAction.STOP));
    assertEquals(TaskState.POWERING_OFF, instance.get().taskState);
    FerryRejection move =
        rejection(
            () ->
                instance.startMove(
                    new MoveRequest("m1", MoveType.COLD_MIGRATION, ID, null, null, null, "t")));
    assertEquals(Reason.INSTANCE_BUSY, move.reason());
    assertEquals(
        "server app-1 is busy with stop a1; wait for it to end ('ferry server show app-1')",
        move.getMessage());
    assertEquals(
        Reason.INSTANCE_BUSY,
        rejection(() -> instance.startAction(request("a2", ServerAction.PAUSE))).reason());
    // a retried request answers with the running action
    assertEquals("action:a1", instance.startAction(request("a1", ServerAction.STOP)));
    assertTrue(awaitAction(instance, "a1").succeeded());
  }

  @Test
  void theActionsEndIsTakenOnlyOnceAndOnlyForTheCurrentAction() {
    InstanceWorkflow instance = t.startInstance(server(VmState.ACTIVE, PowerState.RUNNING));
    String before = json(instance.get());
    instance.actionClosed(new ActionOutcome("nobody", true, GuestState.SHUT_OFF, null));
    t.awaitHandled(
        Names.instanceWorkflowId(ID),
        io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        1);
    assertEquals(before, json(instance.get()));
  }

  /** {@code startAction} is refused; the record is as before and no action workflow exists. */
  private FerryRejection assertRefused(InstanceWorkflow instance, ActionRequest request) {
    String before = json(instance.get());
    FerryRejection r = rejection(() -> instance.startAction(request));
    assertEquals(before, json(instance.get()), "a refused action changed the record");
    boolean started;
    try {
      t.status(Names.actionWorkflowId(request.actionId()));
      started = true;
    } catch (RuntimeException e) {
      started = false;
    }
    assertFalse(started, "a refused action started a workflow");
    return r;
  }
}
