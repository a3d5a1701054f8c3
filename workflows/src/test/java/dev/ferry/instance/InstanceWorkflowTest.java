package dev.ferry.instance;

import static dev.ferry.testing.FerryTestEnv.H1;
import static dev.ferry.testing.FerryTestEnv.H2;
import static dev.ferry.testing.FerryTestEnv.eventually;
import static dev.ferry.testing.FerryTestEnv.json;
import static dev.ferry.testing.FerryTestEnv.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.ferry.entities.Entities;
import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.model.BaseImage;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.DomainSpec;
import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavors;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveOutcome;
import dev.ferry.model.MoveProgress;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveSummary;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import dev.ferry.model.RootDisk;
import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;
import dev.ferry.move.MoveView;
import dev.ferry.resize.ResizeWorkflow;
import dev.ferry.testing.FerryTestEnv;
import dev.ferry.testing.Waits;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

/** InstanceWorkflow with mocked conductor activities and a fake ResizeWorkflow as its moves. */
@Timeout(value = 90, threadMode = ThreadMode.SEPARATE_THREAD)
class InstanceWorkflowTest {

  static final String ID = "6f1c2a3b-7d4e-4f60-8a9b-0c1d2e3f4a5b";
  static final String WF = Names.instanceWorkflowId(ID);

  private FerryTestEnv t;
  private HypervisorActivities h1;

  @BeforeEach
  void setUp() {
    t = new FerryTestEnv();
    h1 = t.hypervisor(H1);
    t.requireJsonRoundTrip(busyRecord());
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  // ---- records and requests

  /** An ACTIVE m1.small on h1 at epoch 3. */
  static InstanceRecord active() {
    InstanceRecord r = new InstanceRecord();
    r.id = ID;
    r.name = "web-1";
    r.flavor = Flavors.require("m1.small");
    r.host = H1;
    r.domainXml = "<domain><name>web-1</name></domain>";
    r.baseImage = "cirros-0.6.2";
    r.diskPath = "/var/lib/ferry/disks/" + ID + ".qcow2";
    r.vmState = VmState.ACTIVE;
    r.powerState = PowerState.RUNNING;
    r.epoch = 3;
    r.createdAtMillis = 1;
    return r;
  }

  /** A record as it is carried across continue-as-new while a move holds the lock. */
  static InstanceRecord busyRecord() {
    InstanceRecord r = active();
    r.currentMoveId = "m1";
    r.currentMoveType = MoveType.RESIZE;
    r.currentMoveStatus = "migrating";
    r.addMove(new MoveSummary("m0", MoveType.COLD_MIGRATION, H2, H1, "confirmed", 1, 2));
    return r;
  }

  static InstanceRecord building() {
    InstanceRecord r = active();
    r.vmState = VmState.BUILDING;
    r.powerState = PowerState.NOSTATE;
    r.domainXml = null;
    r.epoch = 0;
    return r;
  }

  static MoveRequest resize(String moveId, String flavor, String dest) {
    return new MoveRequest(moveId, MoveType.RESIZE, ID, dest, flavor, null, "test");
  }

  static MoveRequest coldMigration(String moveId) {
    return new MoveRequest(moveId, MoveType.COLD_MIGRATION, ID, null, null, null, "test");
  }

  private ResizeWorkflow move(String moveId) {
    return t.client.newWorkflowStub(ResizeWorkflow.class, Names.moveWorkflowId(moveId));
  }

  private boolean moveExists(String moveId) {
    try {
      t.status(Names.moveWorkflowId(moveId));
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** {@code startMove} is refused with {@code reason}; the record and the moves are as before. */
  private FerryRejection assertStartMoveRejected(
      InstanceWorkflow instance, MoveRequest request, Reason reason) {
    String before = json(instance.get());
    FerryRejection r = rejection(() -> instance.startMove(request));
    assertEquals(reason, r.reason(), r.getMessage());
    assertEquals(before, json(instance.get()), "a rejected startMove changed the record");
    assertFalse(moveExists(request.moveId()), "a rejected startMove started a move");
    return r;
  }

  @Test
  void instanceRecordSurvivesTheWorkersJsonConverter() {
    // Also checked before every test here; named so that a failure says what is broken.
    t.requireJsonRoundTrip(busyRecord());
    t.requireJsonRoundTrip(building());
  }

  // ---- spawn

  @Test
  void aBuildingRecordIsDefinedThenPoweredOnOnItsHostAndBecomesActive() {
    when(h1.define(any()))
        .thenReturn(
            new DomainView(true, ID, "web-1", PowerState.SHUTDOWN, 1, 2048, ID, 0, "<defined/>"));
    when(h1.powerOn(ID))
        .thenReturn(
            new DomainView(
                true,
                ID,
                "web-1",
                PowerState.RUNNING,
                1,
                2048,
                ID,
                0,
                "<domain>inactive</domain>"));

    InstanceWorkflow instance = t.startInstance(building());

    eventually(() -> assertEquals(VmState.ACTIVE, instance.get().vmState));
    InstanceRecord r = instance.get();
    assertEquals("<domain>inactive</domain>", r.domainXml);
    assertEquals(PowerState.RUNNING, r.powerState);
    assertEquals(TaskState.NONE, r.taskState);
    assertNull(r.lastError);
    InOrder order = inOrder(h1);
    order
        .verify(h1)
        .define(
            new DomainSpec(
                ID, "web-1", Flavors.require("m1.small"), 0, null, r.diskPath, r.baseImage));
    order.verify(h1).powerOn(ID);
    verifyNoInteractions(t.hypervisor(H2));
  }

  @Test
  void aBuildFromAnImageCopiesItIntoTheRootDiskAndRecordsItsSize() {
    String disk = "/var/lib/ferry/local/" + ID + ".qcow2";
    when(t.disks(H1).createDiskFromImage(ID, "cirros-0.6.2", 0, false))
        .thenReturn(
            new RootDisk(
                disk,
                112,
                new BaseImage(
                    "cirros-0.6.2",
                    "/var/lib/ferry/images/cirros-0.6.2.qcow2",
                    "qcow2",
                    112L << 20)));
    when(h1.define(any()))
        .thenReturn(
            new DomainView(true, ID, "web-1", PowerState.SHUTDOWN, 1, 2048, ID, 0, "<defined/>"));
    when(h1.powerOn(ID))
        .thenReturn(new DomainView(true, ID, "web-1", PowerState.RUNNING, 1, 2048, ID, 0, "<d/>"));

    InstanceWorkflow instance = t.startInstance(buildingFromImage());

    eventually(() -> assertEquals(VmState.ACTIVE, instance.get().vmState));
    InstanceRecord r = instance.get();
    assertEquals(disk, r.diskPath);
    assertEquals(112, r.diskSizeMb, "the image's size: what delete and a rebuild go by");
    assertEquals("cirros-0.6.2", r.baseImage);
    verify(h1)
        .define(
            new DomainSpec(
                ID, "web-1", Flavors.require("m1.small"), 0, null, disk, "cirros-0.6.2"));
    verify(t.disks(H1), never()).createDisk(anyString(), anyLong(), anyBoolean());
    assertEquals(1, FerryTestEnv.count(t.history(WF), EventType.EVENT_TYPE_MARKER_RECORDED));
  }

  @Test
  void anImageTheHostLacksRefusesTheBuildAndCreatesNothing() {
    when(t.disks(H1).createDiskFromImage(ID, "cirros-0.6.2", 0, false))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "no base image cirros-0.6.2 in the image store /var/lib/ferry/images of qemu:///h1",
                "FerryRejection.UNKNOWN_IMAGE"));

    InstanceWorkflow instance = t.startInstance(buildingFromImage());

    eventually(
        () ->
            assertEquals(
                WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED, t.status(WF)));
    InstanceRecord r = instance.get();
    assertEquals(VmState.DELETED, r.vmState);
    assertEquals(Reason.UNKNOWN_IMAGE, r.buildRefusal);
    assertTrue(
        r.lastError.startsWith("build refused on h1: no base image cirros-0.6.2"), r.lastError);
    assertNull(r.diskPath);
    verify(t.placementActivities).forgetInstance(ID); // the name and the capacity go back
    verify(h1, never()).define(any());
    verify(h1, never()).powerOn(anyString());
  }

  @Test
  void aBuildWithoutAnImageCreatesABlankDiskAndRecordsNoVersionMarker() {
    String disk = "/var/lib/ferry/local/" + ID + ".qcow2";
    when(t.disks(H1).createDisk(ID, 64, false)).thenReturn(disk);
    when(h1.define(any()))
        .thenReturn(
            new DomainView(true, ID, "web-1", PowerState.SHUTDOWN, 1, 2048, ID, 0, "<defined/>"));
    when(h1.powerOn(ID))
        .thenReturn(new DomainView(true, ID, "web-1", PowerState.RUNNING, 1, 2048, ID, 0, "<d/>"));
    InstanceRecord blank = buildingFromImage();
    blank.baseImage = null;
    blank.diskSizeMb = 64;

    InstanceWorkflow instance = t.startInstance(blank);

    eventually(() -> assertEquals(VmState.ACTIVE, instance.get().vmState));
    assertEquals(disk, instance.get().diskPath);
    verify(t.disks(H1), never())
        .createDiskFromImage(anyString(), anyString(), anyLong(), anyBoolean());
    // The commands of a build before images existed: no marker, so old histories replay.
    assertEquals(0, FerryTestEnv.count(t.history(WF), EventType.EVENT_TYPE_MARKER_RECORDED));
  }

  /** A building record whose root disk is still to be made from image cirros-0.6.2. */
  private static InstanceRecord buildingFromImage() {
    InstanceRecord r = building();
    r.diskPath = null;
    r.diskSizeMb = 0;
    return r;
  }

  @Test
  void aFailedSpawnLeavesTheInstanceInErrorWithTheCause() {
    when(h1.define(any()))
        .thenReturn(
            new DomainView(true, ID, "web-1", PowerState.SHUTDOWN, 1, 2048, ID, 0, "<defined/>"));
    when(h1.powerOn(ID))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure("no space left on device", "LibvirtError"));

    InstanceWorkflow instance = t.startInstance(building());

    eventually(() -> assertEquals(VmState.ERROR, instance.get().vmState));
    InstanceRecord r = instance.get();
    assertEquals(TaskState.NONE, r.taskState);
    assertTrue(r.lastError.startsWith("spawn on h1 failed"), r.lastError);
    assertTrue(r.lastError.contains("no space left on device"), r.lastError);
    assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, t.status(WF));
  }

  // ---- starting moves

  @Test
  void startMoveStartsTheMoveAsAChildNamedByTheMoveIdAndHoldsTheLock() {
    InstanceWorkflow instance = t.startInstance(active());

    String moveWorkflowId = instance.startMove(resize("m1", "m1.medium", H2));

    assertEquals("move:m1", moveWorkflowId);
    InstanceRecord r = instance.get();
    assertTrue(r.isBusy());
    assertEquals("m1", r.currentMoveId);
    assertEquals(MoveType.RESIZE, r.currentMoveType);
    assertEquals("accepted", r.currentMoveStatus);
    WorkflowExecutionDescription move = t.client.newUntypedWorkflowStub("move:m1").describe();
    assertEquals("ResizeWorkflow", move.getWorkflowType());
    assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, move.getStatus());
    assertEquals(WF, move.getParentExecution().getWorkflowId());
    eventually(
        () -> {
          MoveView view = move("m1").status();
          assertEquals(ID, view.instanceId());
          assertEquals(H1, view.sourceHost());
          assertEquals(H2, view.destHost());
        });
  }

  @Test
  void aSecondStartMoveIsRejectedAsBusyWithTheFirstMove() {
    InstanceWorkflow instance = t.startInstance(active());
    instance.startMove(resize("m1", "m1.medium", H2));

    FerryRejection r = assertStartMoveRejected(instance, coldMigration("m2"), Reason.INSTANCE_BUSY);

    assertEquals(
        "server web-1 is busy with resize m1; wait for it to end ('ferry migration show web-1')"
            + " or cancel it ('ferry migration cancel web-1')",
        r.getMessage());
  }

  @Test
  void startMoveIsRejectedInAStateTheMoveDoesNotAllow() {
    InstanceRecord error = active();
    error.vmState = VmState.ERROR;
    InstanceWorkflow instance = t.startInstance(error);

    FerryRejection r = assertStartMoveRejected(instance, coldMigration("m1"), Reason.INVALID_STATE);
    assertTrue(r.getMessage().contains("ERROR"), r.getMessage());
  }

  @Test
  void aResizeToTheSameFlavorIsRejected() {
    InstanceWorkflow instance = t.startInstance(active());
    FerryRejection r =
        assertStartMoveRejected(instance, resize("m1", "m1.small", H2), Reason.INVALID_ARGUMENT);
    assertTrue(r.getMessage().contains("already has flavor m1.small"), r.getMessage());
  }

  @Test
  void aResizeToAnUnknownFlavorIsRejected() {
    InstanceWorkflow instance = t.startInstance(active());
    assertStartMoveRejected(instance, resize("m1", "m9.huge", H2), Reason.UNKNOWN_FLAVOR);
    assertStartMoveRejected(instance, resize("m1", null, H2), Reason.INVALID_ARGUMENT);
  }

  @Test
  void aLiveMigrationOfAStoppedInstanceIsRejected() {
    InstanceRecord stopped = active();
    stopped.vmState = VmState.STOPPED;
    stopped.powerState = PowerState.SHUTDOWN;
    InstanceWorkflow instance = t.startInstance(stopped);
    FerryRejection r =
        assertStartMoveRejected(
            instance,
            new MoveRequest("m1", MoveType.LIVE_MIGRATION, ID, H2, null, null, "test"),
            Reason.INVALID_STATE);
    assertTrue(r.getMessage().contains("[ACTIVE, PAUSED]"), r.getMessage());
  }

  @Test
  void aMoveForAnotherInstanceIsRejected() {
    InstanceWorkflow instance = t.startInstance(active());
    assertStartMoveRejected(
        instance,
        new MoveRequest("m1", MoveType.COLD_MIGRATION, "other", null, null, null, "test"),
        Reason.INVALID_ARGUMENT);
  }

  // ---- what the move tells

  @Test
  void moveProgressOfTheCurrentMoveUpdatesVmAndTaskStateAndOthersAreIgnored() {
    InstanceWorkflow instance = t.startInstance(active());
    instance.startMove(resize("m1", "m1.medium", H2));

    instance.moveProgress(
        new MoveProgress("m1", "migrating", null, TaskState.RESIZE_MIGRATING, null));
    eventually(() -> assertEquals(TaskState.RESIZE_MIGRATING, instance.get().taskState));
    assertEquals("migrating", instance.get().currentMoveStatus);
    assertEquals(VmState.ACTIVE, instance.get().vmState);

    instance.moveProgress(
        new MoveProgress("m1", "finished", VmState.RESIZED, TaskState.NONE, PowerState.RUNNING));
    eventually(() -> assertEquals(VmState.RESIZED, instance.get().vmState));
    assertEquals(TaskState.NONE, instance.get().taskState);
    assertEquals("finished", instance.get().currentMoveStatus);

    String before = json(instance.get());
    instance.moveProgress(
        new MoveProgress("other", "error", VmState.ERROR, TaskState.NONE, PowerState.CRASHED));
    t.awaitHandled(WF, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, 3);
    assertEquals(before, json(instance.get()));
  }

  @Test
  void moveClosedAppliesTheOutcomeFreesTheLockAndRecordsTheMove() {
    InstanceWorkflow instance = t.startInstance(active());
    instance.startMove(resize("m1", "m1.medium", H2));
    instance.moveProgress(
        new MoveProgress("m1", "finished", VmState.RESIZED, TaskState.NONE, PowerState.RUNNING));
    eventually(() -> assertEquals(VmState.RESIZED, instance.get().vmState));

    move("m1").requestConfirm("test"); // the fake move then signals moveClosed

    eventually(() -> assertFalse(instance.get().isBusy()));
    InstanceRecord r = instance.get();
    assertEquals(H2, r.host);
    assertEquals(Flavors.require("m1.medium"), r.flavor);
    assertEquals(4, r.epoch);
    assertEquals(VmState.ACTIVE, r.vmState);
    assertEquals(PowerState.RUNNING, r.powerState);
    assertEquals(TaskState.NONE, r.taskState);
    assertEquals("<domain moved-by='m1'/>", r.domainXml);
    assertNull(r.lastError);
    assertNull(r.currentMoveType);
    assertNull(r.currentMoveStatus);
    assertEquals(1, r.moves.size());
    MoveSummary m = r.moves.get(0);
    assertEquals("m1", m.moveId());
    assertEquals(MoveType.RESIZE, m.type());
    assertEquals(H1, m.sourceHost());
    assertEquals(H2, m.destHost());
    assertEquals("confirmed", m.status());

    // The lock is free: the next move starts.
    assertEquals("move:m2", instance.startMove(coldMigration("m2")));
    assertEquals("m2", instance.get().currentMoveId);
  }

  @Test
  void aRevertedMoveLeavesTheInstanceWhereItWasAndFreesTheLock() {
    InstanceWorkflow instance = t.startInstance(active());
    instance.startMove(resize("m1", "m1.medium", H2));

    move("m1").requestRevert("test");

    eventually(() -> assertFalse(instance.get().isBusy()));
    InstanceRecord r = instance.get();
    assertEquals(H1, r.host);
    assertEquals(Flavors.require("m1.small"), r.flavor);
    assertEquals(3, r.epoch);
    assertEquals("reverted", r.moves.get(0).status());
    // The summary lists where the move went, not where the instance ended.
    assertEquals(H1, r.moves.get(0).sourceHost());
    assertEquals(H2, r.moves.get(0).destHost());
  }

  @Test
  void aMoveThatVanishedWithoutReportingIsFoundByTheCheckAndFreesTheLockInError() {
    InstanceWorkflow instance = t.startInstance(active());
    instance.startMove(resize("m1", "m1.medium", H2));

    // While the move runs, the check leaves the lock alone.
    t.env.sleep(Entities.RECONCILE_EVERY.plusSeconds(10));
    eventually(() -> verify(t.inspection).closedOrMissing(List.of("move:m1")));
    assertTrue(instance.get().isBusy());

    t.client.newUntypedWorkflowStub("move:m1").terminate("operator");
    when(t.inspection.closedOrMissing(List.of("move:m1"))).thenReturn(List.of("move:m1"));
    t.env.sleep(Entities.RECONCILE_EVERY.plusSeconds(10));

    eventually(() -> assertFalse(instance.get().isBusy()));
    InstanceRecord r = instance.get();
    assertEquals(VmState.ERROR, r.vmState);
    assertEquals(TaskState.NONE, r.taskState);
    assertTrue(r.lastError.contains("closed without reporting"), r.lastError);
    assertEquals(H1, r.host);
    assertEquals("closed-unreported", r.moves.get(0).status());
    assertEquals("m1", r.moves.get(0).moveId());
  }

  /**
   * The check freed the lock of m1 while it still ran, m2 started, then m1 reports its close: its
   * summary is m1's own (its type, its start), not the current move's.
   */
  @Test
  void aMoveThatReportsItsCloseLateIsRecordedWithItsOwnTypeAndStart() {
    InstanceWorkflow instance = t.startInstance(active());
    instance.startMove(resize("m1", "m1.medium", H2));
    long m1Started = instance.get().currentMoveStartedAtMillis;
    when(t.inspection.closedOrMissing(List.of("move:m1"))).thenReturn(List.of("move:m1"));
    t.env.sleep(Entities.RECONCILE_EVERY.plusSeconds(10));
    eventually(() -> assertFalse(instance.get().isBusy()));
    InstanceRecord error = instance.get();
    assertEquals(VmState.ERROR, error.vmState);
    t.env.sleep(Duration.ofMinutes(5));
    // An evacuation is the move an instance in ERROR may still take.
    instance.startMove(new MoveRequest("m2", MoveType.EVACUATION, ID, H2, null, null, "test"));
    long m2Started = instance.get().currentMoveStartedAtMillis;
    assertTrue(m2Started > m1Started, m2Started + " <= " + m1Started);

    move("m1").requestRevert("test"); // the fake m1 now reports its close

    eventually(() -> assertEquals("reverted", summaryOf(instance.get(), "m1").status()));
    MoveSummary late = summaryOf(instance.get(), "m1");
    assertEquals(MoveType.RESIZE, late.type());
    assertEquals(m1Started, late.startedAtMillis());
    assertEquals("m2", instance.get().currentMoveId, "a late close leaves the current move's lock");
  }

  /** An outcome from before it carried its move's type and start: the current move's are used. */
  @Test
  void anOutcomeWithoutTypeAndStartIsRecordedWithTheCurrentMoves() {
    InstanceWorkflow instance = t.startInstance(active());
    instance.startMove(resize("m1", "m1.medium", H2));
    long m1Started = instance.get().currentMoveStartedAtMillis;

    instance.moveClosed(
        new MoveOutcome(
            "m1", "reverted", false, H1, null, 3, null, VmState.ACTIVE, PowerState.RUNNING, null));

    eventually(() -> assertFalse(instance.get().isBusy()));
    MoveSummary m = summaryOf(instance.get(), "m1");
    assertEquals(MoveType.RESIZE, m.type());
    assertEquals(m1Started, m.startedAtMillis());
  }

  /**
   * The move's workflow id is taken by a move that still runs (here: of another instance): the
   * start fails as a conflict (DUPLICATE_NAME), not as a malformed request, and frees the lock.
   */
  @Test
  void aMoveWhoseIdRunsAlreadyIsRefusedAsADuplicateAndFreesTheLock() {
    t.startInstance(active()).startMove(resize("m1", "m1.medium", H2));
    InstanceRecord other = active();
    other.id = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    other.name = "web-2";
    InstanceWorkflow second = t.startInstance(other);

    FerryRejection r =
        rejection(
            () ->
                second.startMove(
                    new MoveRequest(
                        "m1", MoveType.COLD_MIGRATION, other.id, null, null, null, "t")));

    assertEquals(Reason.DUPLICATE_NAME, r.reason(), r.getMessage());
    assertTrue(r.getMessage().contains("move:m1"), r.getMessage());
    assertFalse(second.get().isBusy(), "a failed start keeps the lock");
  }

  private static MoveSummary summaryOf(InstanceRecord r, String moveId) {
    return r.moves.stream().filter(m -> m.moveId().equals(moveId)).findFirst().orElseThrow();
  }

  // ---- delete

  @Test
  void deleteRemovesTheDomainForgetsTheInstanceAndTheWorkflowCompletes() throws Exception {
    when(h1.remove(ID, Long.MAX_VALUE))
        .thenReturn(new DomainView(true, ID, "web-1", PowerState.RUNNING, 1, 2048, ID, 3, "x"));
    InstanceWorkflow instance = t.startInstance(active());

    InstanceRecord r = instance.delete();

    assertEquals(VmState.DELETED, r.vmState);
    assertEquals(PowerState.NOSTATE, r.powerState);
    assertEquals(TaskState.NONE, r.taskState);
    verify(h1).remove(ID, Long.MAX_VALUE);
    verify(t.placementActivities).forgetInstance(ID);
    verifyNoInteractions(t.hostRecords);
    t.client.newUntypedWorkflowStub(WF).getResult(30, TimeUnit.SECONDS, Void.class);
    assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED, t.status(WF));
  }

  @Test
  void deleteWhileAMoveHoldsTheLockIsRejected() {
    InstanceWorkflow instance = t.startInstance(active());
    instance.startMove(resize("m1", "m1.medium", H2));
    String before = json(instance.get());

    FerryRejection r = rejection(instance::delete);

    assertEquals(Reason.INSTANCE_BUSY, r.reason());
    assertEquals(
        "server web-1 is busy with resize m1; wait for it to end ('ferry migration show web-1')"
            + " or cancel it ('ferry migration cancel web-1')",
        r.getMessage());
    assertEquals(before, json(instance.get()));
    verify(h1, never()).remove(anyString(), anyLong());
    verifyNoInteractions(t.placementActivities);
  }

  @Test
  void deleteWhileStillBuildingIsRejected() {
    when(h1.define(any()))
        .thenAnswer(
            inv -> {
              Thread.sleep(3000); // spawning takes a while
              return DomainView.absent(ID);
            });
    InstanceWorkflow instance = t.startInstance(building());
    eventually(() -> assertEquals(TaskState.SPAWNING, instance.get().taskState));

    FerryRejection r = rejection(instance::delete);

    assertEquals(Reason.INVALID_STATE, r.reason());
    assertEquals(
        "server web-1 is still building: wait for its build to end ('ferry server show web-1')",
        r.getMessage());
  }

  @Test
  void deleteWithTheHostUnreachableFilesACleanupItemOnTheHost() throws Exception {
    when(h1.remove(anyString(), anyLong()))
        .thenThrow(ApplicationFailure.newNonRetryableFailure("host h1 unreachable", "Unreachable"));
    InstanceWorkflow instance = t.startInstance(active());

    InstanceRecord r = instance.delete();

    assertEquals(VmState.DELETED, r.vmState);
    ArgumentCaptor<CleanupItem> item = ArgumentCaptor.forClass(CleanupItem.class);
    verify(t.hostRecords).addCleanup(eq(H1), item.capture());
    assertEquals("delete:" + ID, item.getValue().id());
    assertEquals(CleanupItem.Kind.REMOVE_DOMAIN_AND_DISK, item.getValue().kind());
    assertEquals(ID, item.getValue().instanceId());
    assertEquals(Long.MAX_VALUE, item.getValue().epochAtMost());
    assertEquals(active().diskPath, item.getValue().diskPath());
    verify(t.placementActivities).forgetInstance(ID);
    t.client.newUntypedWorkflowStub(WF).getResult(30, TimeUnit.SECONDS, Void.class);
  }

  @Test
  void aRejectedDeleteDoesNotCompleteTheWorkflow() {
    InstanceWorkflow instance = t.startInstance(active());
    instance.startMove(resize("m1", "m1.medium", H2));
    rejection(instance::delete);
    assertThrows(
        java.util.concurrent.TimeoutException.class,
        () -> t.client.newUntypedWorkflowStub(WF).getResult(1, TimeUnit.SECONDS, Void.class));
    assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, t.status(WF));
  }

  // ---- bounded history

  @Test
  void instanceContinuesAsNewUnderManySignalsKeepingTheLockAndTheMoveStillReportsToIt() {
    InstanceWorkflow instance = t.startInstance(active());
    instance.startMove(resize("m1", "m1.medium", H2));
    String firstRun = t.runId(WF);

    // Signals arriving together share a workflow task: send until the run changes (bounded).
    int n = 0;
    while (n < 2000 && (n % 50 != 0 || firstRun.equals(t.runId(WF)))) {
      MoveProgress step =
          new MoveProgress("m1", "step-" + n, null, TaskState.RESIZE_MIGRATING, null);
      signalAcrossTheRunChange(() -> instance.moveProgress(step));
      n++;
    }
    String last = "step-" + (n - 1);

    eventually(() -> assertEquals(last, instance.get().currentMoveStatus));
    assertTrue(!firstRun.equals(t.runId(WF)), "never continued as new");
    var first = t.history(WF, firstRun);
    assertEquals(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
        first.get(first.size() - 1).getEventType());
    assertTrue(t.history(WF).size() <= Entities.MAX_HISTORY_EVENTS + 10);
    InstanceRecord r = instance.get();
    assertEquals("m1", r.currentMoveId);
    assertEquals(TaskState.RESIZE_MIGRATING, r.taskState);
    assertEquals(H1, r.host);
    assertEquals(3, r.epoch);

    // The move outlived the run that started it, and its close reaches the current run.
    move("m1").requestConfirm("test");
    eventually(() -> assertFalse(instance.get().isBusy()));
    assertEquals(H2, instance.get().host);
    assertEquals(4, instance.get().epoch);
    assertEquals("confirmed", instance.get().moves.get(0).status());
  }

  /**
   * The Java test server can answer a client's signal with NOT_FOUND in the instant between the old
   * run's continue-as-new and the new run's start (a real server hands it to the new run): the same
   * signal is sent again, a few times at most, so every step still reaches the record.
   */
  private static void signalAcrossTheRunChange(Runnable signal) {
    for (int attempt = 1; ; attempt++) {
      try {
        signal.run();
        return;
      } catch (WorkflowNotFoundException e) {
        if (attempt == 5) {
          throw e;
        }
        Waits.sleepMillis(20);
      }
    }
  }

  @Test
  void anIdleInstanceContinuesAsNewAcrossCheckRoundsAndKeepsItsRecord() {
    InstanceRecord start = active();
    start.addMove(new MoveSummary("m0", MoveType.COLD_MIGRATION, H2, H1, "confirmed", 1, 2));
    InstanceWorkflow instance = t.startInstance(start);
    String firstRun = t.runId(WF);
    String before = json(instance.get());

    t.env.sleep(Duration.ofHours(8));

    assertTrue(!firstRun.equals(t.runId(WF)), "never continued as new");
    assertTrue(t.history(WF).size() <= Entities.MAX_HISTORY_EVENTS + 10);
    assertEquals(before, json(instance.get()));
  }
}
