package dev.ferry.instance;

import static dev.ferry.testing.FerryTestEnv.H1;
import static dev.ferry.testing.FerryTestEnv.H2;
import static dev.ferry.testing.FerryTestEnv.eventually;
import static dev.ferry.testing.FerryTestEnv.json;
import static dev.ferry.testing.FerryTestEnv.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavors;
import dev.ferry.model.GuestObservation;
import dev.ferry.model.GuestState;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveProgress;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import dev.ferry.model.ServerStatus;
import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;
import dev.ferry.resize.ResizeWorkflow;
import dev.ferry.testing.FerryTestEnv;
import io.temporal.api.enums.v1.EventType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * The instance takes an agent's report of its guest's real state only when it owns the news; a
 * refused report changes nothing and is no update in its history.
 */
@Timeout(value = 90, threadMode = ThreadMode.SEPARATE_THREAD)
class GuestReportsTest {

  private static final String ID = InstanceWorkflowTest.ID;
  private static final String WF = Names.instanceWorkflowId(ID);

  private FerryTestEnv t;

  @BeforeEach
  void setUp() {
    t = new FerryTestEnv();
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  private static GuestObservation report(String host, long epoch, GuestState state) {
    return new GuestObservation(ID, host, epoch, state, null);
  }

  /** {@code observeGuest} is refused with {@code reason}; the record and history are as before. */
  private void assertRefused(InstanceWorkflow instance, GuestObservation report, Reason reason) {
    String before = json(instance.get());
    long accepted = acceptedUpdates();
    FerryRejection r = rejection(() -> instance.observeGuest(report));
    assertEquals(reason, r.reason(), r.getMessage());
    assertEquals(before, json(instance.get()), "a refused report changed the record");
    // The Java test server still records the workflow task a validator ran in (a real server
    // drops it): what must never be written is the update itself.
    assertEquals(accepted, acceptedUpdates(), "a refused report was accepted into the history");
  }

  private long acceptedUpdates() {
    return FerryTestEnv.count(
        t.history(WF), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
  }

  @Test
  void aPausedGuestOnTheRecordsHostMakesTheServerPaused() {
    InstanceWorkflow instance = t.startInstance(InstanceWorkflowTest.active());
    String change = instance.observeGuest(report(H1, 3, GuestState.PAUSED));
    assertTrue(change.contains("PAUSED"), change);
    InstanceRecord r = instance.get();
    assertEquals(VmState.PAUSED, r.vmState);
    assertEquals(PowerState.PAUSED, r.powerState);
    assertEquals(ServerStatus.PAUSED, ServerStatus.of(r));

    instance.observeGuest(report(H1, 3, GuestState.RUNNING));
    assertEquals(VmState.ACTIVE, instance.get().vmState);
  }

  @Test
  void eachGuestStateReachesTheRecordAsNovaNamesIt() {
    InstanceWorkflow instance = t.startInstance(InstanceWorkflowTest.active());
    instance.observeGuest(report(H1, 3, GuestState.SHUT_OFF));
    assertEquals(ServerStatus.SHUTOFF, ServerStatus.of(instance.get()));
    assertEquals(PowerState.SHUTDOWN, instance.get().powerState);

    instance.observeGuest(report(H1, 3, GuestState.SAVED));
    assertEquals(VmState.SUSPENDED, instance.get().vmState);
    assertEquals(ServerStatus.SUSPENDED, ServerStatus.of(instance.get()));

    instance.observeGuest(new GuestObservation(ID, H1, 3, GuestState.CRASHED, "crashed: panicked"));
    InstanceRecord crashed = instance.get();
    assertEquals(VmState.ERROR, crashed.vmState);
    assertEquals(PowerState.CRASHED, crashed.powerState);
    assertEquals("guest crashed on h1: crashed: panicked", crashed.lastError);
  }

  @Test
  void aVanishedDomainPutsTheServerInErrorNamingTheHost() {
    InstanceWorkflow instance = t.startInstance(InstanceWorkflowTest.active());
    instance.observeGuest(report(H1, -1, GuestState.MISSING));
    InstanceRecord r = instance.get();
    assertEquals(VmState.ERROR, r.vmState);
    assertEquals(PowerState.NOSTATE, r.powerState);
    assertEquals("domain missing on host h1", r.lastError);
  }

  @Test
  void aReportThatChangesNothingIsRefusedAndWritesNoHistory() {
    InstanceWorkflow instance = t.startInstance(InstanceWorkflowTest.active());
    assertRefused(instance, report(H1, 3, GuestState.RUNNING), Reason.NO_CHANGE);
  }

  @Test
  void reportsAboutAnotherHostsOrAnOlderEpochsCopyAreRefusedAsStale() {
    InstanceWorkflow instance = t.startInstance(InstanceWorkflowTest.active());
    assertRefused(instance, report(H2, 3, GuestState.SHUT_OFF), Reason.STALE_REPORT);
    assertRefused(instance, report(H1, 2, GuestState.SHUT_OFF), Reason.STALE_REPORT);
    // a missing domain carries no epoch: only its host decides
    assertRefused(instance, report(H2, -1, GuestState.MISSING), Reason.STALE_REPORT);
  }

  @Test
  void whileAMoveHoldsTheServerReportsAreRefusedAsBusyAndApplyOnceItClosed() {
    InstanceWorkflow instance = t.startInstance(InstanceWorkflowTest.active());
    instance.startMove(InstanceWorkflowTest.resize("m1", "m1.medium", H2));
    assertRefused(instance, report(H1, 3, GuestState.SHUT_OFF), Reason.INSTANCE_BUSY);

    t.client
        .newWorkflowStub(ResizeWorkflow.class, Names.moveWorkflowId("m1"))
        .requestRevert("test"); // the fake move closes: back on h1, running
    eventually(() -> assertFalse(instance.get().isBusy()));
    instance.observeGuest(report(H1, 3, GuestState.SHUT_OFF)); // the agent's retry
    assertEquals(VmState.STOPPED, instance.get().vmState);
  }

  @Test
  void aServerInErrorIsLeftToTheOperator() {
    InstanceRecord error = InstanceWorkflowTest.active();
    error.vmState = VmState.ERROR;
    InstanceWorkflow instance = t.startInstance(error);
    assertRefused(instance, report(H1, 3, GuestState.RUNNING), Reason.INVALID_STATE);
  }

  @Test
  void waitingInVerifyResizeTheRecordSaysTheGuestRunsAtTheDestinationWithTheNewFlavor() {
    InstanceWorkflow instance = t.startInstance(InstanceWorkflowTest.active());
    instance.startMove(InstanceWorkflowTest.resize("m1", "m1.medium", H2));
    instance.moveProgress(
        new MoveProgress(
            "m1",
            "finished",
            VmState.RESIZED,
            TaskState.NONE,
            PowerState.RUNNING,
            H2,
            Flavors.require("m1.medium")));
    eventually(() -> assertEquals(H2, instance.get().host));
    InstanceRecord r = instance.get();
    assertEquals(Flavors.require("m1.medium"), r.flavor);
    assertEquals(H1, r.resizedFromHost);
    assertEquals(Flavors.require("m1.small"), r.resizedFromFlavor);
    assertEquals(ServerStatus.VERIFY_RESIZE, ServerStatus.of(r));

    t.client
        .newWorkflowStub(ResizeWorkflow.class, Names.moveWorkflowId("m1"))
        .requestRevert("test");
    eventually(() -> assertFalse(instance.get().isBusy()));
    InstanceRecord reverted = instance.get();
    assertEquals(H1, reverted.host);
    assertEquals(Flavors.require("m1.small"), reverted.flavor);
    assertEquals(null, reverted.resizedFromHost);
    // the summary names the move's real source, not the destination the record pointed at
    assertEquals(H1, reverted.moves.get(0).sourceHost());
  }
}
