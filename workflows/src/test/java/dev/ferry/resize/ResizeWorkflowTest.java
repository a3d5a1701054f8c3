package dev.ferry.resize;

import static dev.ferry.testing.MoveTestKit.EPOCH;
import static dev.ferry.testing.MoveTestKit.H1;
import static dev.ferry.testing.MoveTestKit.H2;
import static dev.ferry.testing.MoveTestKit.IMAGE;
import static dev.ferry.testing.MoveTestKit.SHARED_DISK;
import static dev.ferry.testing.Waits.sleepMillis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.ferry.entities.HostRecordActivities;
import dev.ferry.entities.PlacementActivities;
import dev.ferry.hypervisor.DiskActivities;
import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.model.Claim;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.DiskCopy;
import dev.ferry.model.DomainSpec;
import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.Flavor;
import dev.ferry.model.Flavors;
import dev.ferry.model.GuestState;
import dev.ferry.model.HostRecord;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveOutcome;
import dev.ferry.model.MoveProgress;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveType;
import dev.ferry.model.PowerState;
import dev.ferry.model.Settings;
import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;
import dev.ferry.move.HostCallOptions;
import dev.ferry.move.MoveView;
import dev.ferry.statemachine.StateMachine.Change;
import dev.ferry.testing.FerryTestEnv;
import dev.ferry.testing.Gate;
import dev.ferry.testing.MoveHandle;
import dev.ferry.testing.MoveTestKit;
import dev.ferry.testing.RecordUnitCorpus;
import dev.ferry.testing.RecordingInstanceWorkflow;
import dev.ferry.testing.TableCoverage;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.InOrder;

/**
 * ResizeWorkflow against Temporal's test server (time skipping), with the entities' and the hosts'
 * activities mocked. Each host's agent is its own worker factory so a test can kill one.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
@RecordUnitCorpus(ResizeWorkflowImpl.class)
class ResizeWorkflowTest {

  /** Never has a worker: calls to it time out on ScheduleToStart, and its record says DOWN. */
  private static final String DEAD = "h3";

  private static final Flavor SMALL = Flavors.require("m1.small");
  private static final Flavor MEDIUM = Flavors.require("m1.medium");
  private static final String OLD_XML = "<domain><name>vm1</name><!-- m1.small --></domain>";
  private static final String LOCAL_DISK = "/var/lib/ferry/local/vm1.qcow2";
  private static final String INSPECTED_H2 = "<domain inspected-on='h2'/>";
  private static final Settings SETTINGS = new Settings(false, 3600, 1, 45);

  /** Every table row some path of this class walked (collected from the moves' logs). */
  @RegisterExtension
  static final TableCoverage<ResizeStatus, ResizeEvent> COVERAGE =
      new TableCoverage<>(ResizeStateTable.TABLE, ResizeStatus.class, ResizeEvent.class);

  private final MoveTestKit kit = new MoveTestKit();
  private final WorkflowClient client = kit.client;
  private final PlacementActivities placement = kit.placement;
  private final HostRecordActivities hostRecords = kit.hostRecords;
  private final Map<String, HypervisorActivities> hv = new ConcurrentHashMap<>();
  private final Map<String, DiskActivities> disk = new ConcurrentHashMap<>();

  /**
   * The test server does not skip time while an activity is scheduled, so a dead host's 60 s
   * ScheduleToStart would pass in real time: moves here use a few seconds instead.
   */
  private volatile Duration hostScheduleToStart = Duration.ofSeconds(3);

  /** What the source's libvirt says of the guest until the move powers it off there. */
  private volatile GuestState sourceGuest = GuestState.RUNNING;

  @BeforeEach
  void setUp() {
    when(placement.settings()).thenReturn(SETTINGS);
    kit.claimsLandOn(H2);
    kit.downHosts.add(DEAD);
    when(hostRecords.get(anyString())).thenAnswer(inv -> hostRecord(inv.getArgument(0)));
    Worker conductor = kit.conductor();
    conductor.registerWorkflowImplementationTypes(RecordingInstanceWorkflow.class);
    conductor.registerWorkflowImplementationFactory(
        ResizeWorkflow.class, () -> new ResizeWorkflowImpl(hostScheduleToStart));
    kit.start();
    startAgent(H1);
    startAgent(H2);
  }

  @AfterEach
  void tearDown() {
    kit.close();
  }

  // ---- the happy paths -----------------------------------------------------------------------

  @Test
  void coldMigrationThenConfirm() {
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.COLD_MIGRATION, null, null, 0L);
    move.awaitStatus("finished");

    MoveView confirmed = move.stub.confirm("alice");

    assertEquals("confirmed", confirmed.status());
    assertTrue(confirmed.finished());
    MoveView view = move.result();
    assertEquals(
        List.of(
            "pre-migrating", "migrating", "post-migrating", "finished", "confirming", "confirmed"),
        statuses(view));
    assertEquals("alice", view.log().get(4).actor());
    assertEquals(H2, view.destHost());
    assertNull(view.error());

    // Scheduler asked, source excluded (same host not allowed).
    verify(placement)
        .claim(new ClaimRequest(moveConsumer(move), SMALL.resources(), null, List.of(H1)).like(H1));
    InOrder order = inOrder(hv.get(H1), hv.get(H2), placement);
    order.verify(hv.get(H1)).inspect(rec.id); // the guest as its host sees it, before it stops
    order.verify(hv.get(H1)).powerOff(rec.id, SETTINGS.gracefulShutdownSeconds());
    order
        .verify(hv.get(H2))
        .define(new DomainSpec(rec.id, "vm1", SMALL, EPOCH + 1, OLD_XML, SHARED_DISK, IMAGE));
    order.verify(hv.get(H2)).powerOn(rec.id);
    order.verify(hv.get(H2)).inspect(rec.id); // look before you destroy
    order.verify(hv.get(H1)).remove(rec.id, EPOCH); // epoch guard: only the old copy
    order.verify(placement).swap(moveConsumer(move), "instance:" + rec.id);
    verify(placement, never()).release(anyString());
    verify(hv.get(H1), never()).powerOn(anyString());
    verify(hv.get(H2), never()).remove(anyString(), anyLong());

    MoveOutcome out = move.closed();
    assertTrue(out.succeeded());
    assertEquals("confirmed", out.status());
    assertEquals(H2, out.host());
    assertEquals(SMALL, out.flavor());
    assertEquals(EPOCH + 1, out.epoch());
    assertEquals(INSPECTED_H2, out.domainXml()); // read back after the source copy went
    assertEquals(VmState.ACTIVE, out.vmState());
    assertEquals(PowerState.RUNNING, out.powerState());
    assertNull(out.error());
    assertEquals(MoveType.COLD_MIGRATION, out.type(), "the outcome says which move it was");

    assertEquals(
        List.of(
            p(move, "pre-migrating", VmState.ACTIVE, TaskState.RESIZE_PREP, PowerState.RUNNING),
            p(move, "migrating", VmState.ACTIVE, TaskState.RESIZE_MIGRATING, PowerState.RUNNING),
            p(
                move,
                "post-migrating",
                VmState.ACTIVE,
                TaskState.RESIZE_MIGRATED,
                PowerState.SHUTDOWN),
            p(move, "post-migrating", VmState.ACTIVE, TaskState.RESIZE_FINISH, PowerState.SHUTDOWN),
            // waiting for a decision the guest runs at the destination: the instance is told so
            atDest(p(move, "finished", VmState.RESIZED, TaskState.NONE, PowerState.RUNNING), SMALL),
            atDest(
                p(
                    move,
                    "confirming",
                    VmState.RESIZED,
                    TaskState.RESIZE_CONFIRMING,
                    PowerState.RUNNING),
                SMALL),
            p(move, "confirmed", VmState.ACTIVE, TaskState.NONE, PowerState.RUNNING)),
        RecordingInstanceWorkflow.progressOf(rec.id));

    kit.assertSearchAttributes(move.workflowId, rec.id, H1, H2, "COLD_MIGRATION", "confirmed");
    assertReplays(move);
  }

  @Test
  void resizeThenRevert() {
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.RESIZE, "m1.medium", H2, 0L);
    move.awaitStatus("finished");

    MoveView reverted = move.stub.revert("bob");

    assertEquals("reverted", reverted.status());
    assertEquals(
        List.of(
            "pre-migrating", "migrating", "post-migrating", "finished", "reverting", "reverted"),
        statuses(move.result()));
    verify(placement)
        .claim(new ClaimRequest(moveConsumer(move), MEDIUM.resources(), H2, List.of(H1)).like(H1));
    verify(hv.get(H2))
        .define(new DomainSpec(rec.id, "vm1", MEDIUM, EPOCH + 1, OLD_XML, SHARED_DISK, IMAGE));
    InOrder order = inOrder(hv.get(H1), hv.get(H2), placement);
    order.verify(hv.get(H1)).inspect(rec.id); // the guest read before it stops
    order.verify(hv.get(H1)).powerOff(rec.id, SETTINGS.gracefulShutdownSeconds());
    order.verify(hv.get(H1)).inspect(rec.id); // the source copy must exist before the dest goes
    order.verify(hv.get(H2)).remove(rec.id, EPOCH + 1);
    order.verify(hv.get(H1)).powerOn(rec.id);
    order.verify(placement).release(moveConsumer(move));
    verify(placement, never()).swap(anyString(), anyString());
    verify(hv.get(H1), never()).remove(anyString(), anyLong());

    MoveOutcome out = move.closed();
    assertTrue(out.succeeded());
    assertRunningOnTheSourceAsBefore(out);
    assertEquals(OLD_XML, out.domainXml());
    List<MoveProgress> progress = RecordingInstanceWorkflow.progressOf(rec.id);
    assertEquals(
        atDest(
            p(move, "reverting", VmState.RESIZED, TaskState.RESIZE_REVERTING, PowerState.RUNNING),
            MEDIUM),
        progress.get(progress.size() - 2));
    assertReplays(move);
  }

  @Test
  void autoConfirmAfterTheWindow() {
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    long startedAt = kit.env.currentTimeMillis();
    Move move = start(rec, MoveType.RESIZE, "m1.medium", null, Duration.ofHours(24).toSeconds());

    MoveView view = move.result(); // time skips over the 24 h window

    assertEquals("confirmed", view.status());
    Change decision = view.log().get(4);
    assertEquals("CONFIRM", decision.event());
    assertEquals("auto-confirm", decision.actor());
    long finishedAt = view.log().get(3).atMillis();
    assertWithinASecond(Duration.ofHours(24), decision.atMillis() - finishedAt);
    assertTrue(kit.env.currentTimeMillis() - startedAt >= Duration.ofHours(24).toMillis());
    assertEquals(MEDIUM, move.closed().flavor());
  }

  @Test
  void theDefaultWindowComesFromSettings() {
    when(placement.settings()).thenReturn(new Settings(false, 7200, 1, 45));
    Move move =
        start(instance(VmState.ACTIVE, PowerState.RUNNING), MoveType.COLD_MIGRATION, null, null);

    MoveView view = move.result();

    Change decision = view.log().get(4);
    assertEquals("auto-confirm", decision.actor());
    assertWithinASecond(Duration.ofHours(2), decision.atMillis() - view.log().get(3).atMillis());
  }

  @Test
  void windowZeroWaitsForTheOperatorForever() {
    Move move =
        start(
            instance(VmState.ACTIVE, PowerState.RUNNING), MoveType.COLD_MIGRATION, null, null, 0L);
    move.awaitStatus("finished");

    kit.env.sleep(Duration.ofHours(48));

    MoveView parked = move.stub.status();
    assertEquals("finished", parked.status());
    assertFalse(parked.finished());
    verify(placement, never()).swap(anyString(), anyString());
    assertEquals("confirmed", move.stub.confirm("carol").status());
  }

  @Test
  void shutoffInstanceStaysShutoffThroughResizeAndConfirm() {
    doReturn(inspected(H2, PowerState.SHUTDOWN)).when(hv.get(H2)).inspect(anyString());
    sourceGuest = GuestState.SHUT_OFF;
    InstanceRecord rec = instance(VmState.STOPPED, PowerState.SHUTDOWN);
    Move move = start(rec, MoveType.RESIZE, "m1.medium", null, 0L);
    move.awaitStatus("finished");
    move.stub.confirm("alice");

    assertEquals("confirmed", move.result().status());
    verify(hv.get(H1), never()).powerOn(anyString());
    verify(hv.get(H2), never()).powerOn(anyString());
    MoveOutcome out = move.closed();
    assertEquals(VmState.STOPPED, out.vmState());
    assertEquals(PowerState.SHUTDOWN, out.powerState());
    assertEquals(H2, out.host());
    for (MoveProgress p : RecordingInstanceWorkflow.progressOf(rec.id)) {
      assertEquals(PowerState.SHUTDOWN, p.powerState(), p.toString());
      assertTrue(p.vmState() == VmState.STOPPED || p.vmState() == VmState.RESIZED, p.toString());
    }
  }

  @Test
  void shutoffInstanceStaysShutoffThroughRevert() {
    sourceGuest = GuestState.SHUT_OFF;
    InstanceRecord rec = instance(VmState.STOPPED, PowerState.SHUTDOWN);
    Move move = start(rec, MoveType.RESIZE, "m1.medium", null, 0L);
    move.awaitStatus("finished");
    move.stub.revert("bob");

    assertEquals("reverted", move.result().status());
    verify(hv.get(H1), never()).powerOn(anyString());
    verify(hv.get(H2), never()).powerOn(anyString());
    verify(hv.get(H2)).remove(rec.id, EPOCH + 1);
    MoveOutcome out = move.closed();
    assertEquals(VmState.STOPPED, out.vmState());
    assertEquals(H1, out.host());
  }

  /** The move reads the guest at the source and follows it, not the record (which says ACTIVE). */
  @Test
  void aShutOffGuestIsKeptOffByTheColdMigrationWhateverTheRecordSays() {
    sourceGuest = GuestState.SHUT_OFF;
    doReturn(inspected(H2, PowerState.SHUTDOWN)).when(hv.get(H2)).inspect(anyString());
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.COLD_MIGRATION, null, null, 0L);
    move.awaitStatus("finished");
    move.stub.confirm("alice");

    assertEquals("confirmed", move.result().status());
    InOrder order = inOrder(hv.get(H1), hv.get(H2));
    order.verify(hv.get(H1)).inspect(rec.id);
    order.verify(hv.get(H1)).powerOff(rec.id, SETTINGS.gracefulShutdownSeconds());
    order
        .verify(hv.get(H2))
        .define(new DomainSpec(rec.id, "vm1", SMALL, EPOCH + 1, OLD_XML, SHARED_DISK, IMAGE));
    verify(hv.get(H1), never()).powerOn(anyString());
    verify(hv.get(H2), never()).powerOn(anyString());
    MoveOutcome out = move.closed();
    assertTrue(out.succeeded());
    assertEquals(H2, out.host());
    assertEquals(VmState.STOPPED, out.vmState());
    assertEquals(PowerState.SHUTDOWN, out.powerState());
    List<MoveProgress> progress = RecordingInstanceWorkflow.progressOf(rec.id);
    assertEquals(
        p(move, "migrating", VmState.STOPPED, TaskState.RESIZE_MIGRATING, PowerState.SHUTDOWN),
        progress.get(1),
        "from the look on, the instance is told what its guest is doing");
  }

  /**
   * A guest neither running nor shut off (Nova moves only ACTIVE or SHUTOFF servers) refuses the
   * move before anything is stopped: the claim is released and the instance takes the state its
   * guest is really in, whatever its record said.
   */
  @Test
  void aGuestNeitherRunningNorShutOffRefusesTheMoveWithNothingDone() {
    List<GuestState> refused =
        List.of(
            GuestState.PAUSED,
            GuestState.PM_SUSPENDED,
            GuestState.SAVED,
            GuestState.CRASHED,
            GuestState.MISSING);
    for (GuestState guest : refused) {
      sourceGuest = guest;
      InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
      Move move = start(rec, MoveType.RESIZE, "m1.medium", null, 0L);

      MoveView view = move.result();

      assertEquals(List.of("pre-migrating", "error"), statuses(view), guest.name());
      assertEquals(
          "server vm1 is "
              + guest
              + " on h1: a resize moves only a RUNNING or SHUT_OFF guest (Nova: ACTIVE or SHUTOFF)",
          view.error());
      verify(placement).release(moveConsumer(move));
      MoveOutcome out = move.closed();
      assertFalse(out.succeeded());
      assertEquals("error", out.status());
      assertEquals(H1, out.host());
      assertEquals(SMALL, out.flavor());
      assertEquals(EPOCH, out.epoch());
      assertEquals(guest.vmState(), out.vmState(), guest.name());
      assertEquals(guest.powerState(), out.powerState(), guest.name());
    }
    verify(hv.get(H1), never()).powerOff(anyString(), anyInt());
    verify(hv.get(H1), never()).powerOn(anyString());
    verify(hv.get(H2), never()).define(any());
    verify(placement, never()).swap(anyString(), anyString());
  }

  // ---- same host -----------------------------------------------------------------------------

  @Test
  void sameHostResizeRevertRedefinesTheOldXml() {
    when(placement.settings()).thenReturn(new Settings(true, 3600, 1, 45));
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.RESIZE, "m1.medium", H1, 0L);
    move.awaitStatus("finished");
    move.stub.revert("bob");

    assertEquals("reverted", move.result().status());
    verify(placement)
        .claim(new ClaimRequest(moveConsumer(move), MEDIUM.resources(), H1, List.of()).like(H1));
    InOrder order = inOrder(hv.get(H1), placement);
    order.verify(hv.get(H1)).powerOff(rec.id, 45);
    order
        .verify(hv.get(H1))
        .define(new DomainSpec(rec.id, "vm1", MEDIUM, EPOCH, OLD_XML, SHARED_DISK, IMAGE));
    order.verify(hv.get(H1)).powerOn(rec.id);
    order.verify(hv.get(H1)).inspect(rec.id);
    order.verify(hv.get(H1)).powerOff(rec.id, 45);
    order
        .verify(hv.get(H1))
        .define(new DomainSpec(rec.id, "vm1", SMALL, EPOCH, OLD_XML, SHARED_DISK, IMAGE));
    order.verify(hv.get(H1)).powerOn(rec.id);
    order.verify(placement).release(moveConsumer(move));
    verify(hv.get(H1), never()).remove(anyString(), anyLong());
    verifyNoInteractions(hv.get(H2));
    MoveOutcome out = move.closed();
    assertEquals(H1, out.host());
    assertEquals(SMALL, out.flavor());
    assertEquals(EPOCH, out.epoch());
    assertEquals(xmlOf(H1, SMALL, EPOCH), out.domainXml());
    assertReplays(move);
  }

  @Test
  void sameHostResizeConfirmKeepsTheEpoch() {
    when(placement.settings()).thenReturn(new Settings(true, 3600, 1, 45));
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.RESIZE, "m1.medium", H1, 0L);
    move.awaitStatus("finished");
    move.stub.confirm("alice");

    assertEquals("confirmed", move.result().status());
    verify(hv.get(H1), never()).remove(anyString(), anyLong());
    verify(placement).swap(moveConsumer(move), "instance:" + rec.id);
    verifyNoInteractions(hv.get(H2));
    MoveOutcome out = move.closed();
    assertEquals(H1, out.host());
    assertEquals(MEDIUM, out.flavor());
    assertEquals(EPOCH, out.epoch());
  }

  @Test
  void sameHostIsRefusedWhenNotAllowed() {
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.RESIZE, "m1.medium", H1, 0L);

    MoveView view = move.result();

    assertEquals("error", view.status());
    assertTrue(view.error().contains("same host"), view.error());
    verify(placement, never()).claim(any());
    verifyNoInteractions(hv.get(H1), hv.get(H2));
  }

  // ---- failures in steps 1-3 and their compensations -----------------------------------------

  @Test
  void claimRejectedRunsOnlyTheClaimCompensation() {
    doThrow(
            ApplicationFailure.newNonRetryableFailure(
                "no host has room for m1.medium", "FerryRejection.NO_VALID_HOST"))
        .when(placement)
        .claim(any());
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.RESIZE, "m1.medium", null, 0L);

    MoveView view = move.result();

    assertEquals(List.of("pre-migrating", "error"), statuses(view));
    assertTrue(view.error().contains("no host has room for m1.medium"), view.error());
    verify(placement, times(1)).claim(any()); // a rejection is not retried
    verify(placement).release(moveConsumer(move)); // registered before the claim: idempotent
    verifyNoInteractions(hv.get(H1), hv.get(H2));
    MoveOutcome out = move.closed();
    assertFalse(out.succeeded());
    assertRunningOnTheSourceAsBefore(out);
    List<MoveProgress> progress = RecordingInstanceWorkflow.progressOf(rec.id);
    assertEquals(
        p(move, "error", VmState.ACTIVE, TaskState.NONE, PowerState.RUNNING),
        progress.get(progress.size() - 1));
  }

  @Test
  void powerOffFailureRestartsAtSourceAndReleases() {
    doThrow(ApplicationFailure.newNonRetryableFailure("libvirt: guest hung", "Libvirt"))
        .when(hv.get(H1))
        .powerOff(anyString(), anyInt());
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.COLD_MIGRATION, null, null, 0L);

    MoveView view = move.result();

    assertEquals(List.of("pre-migrating", "migrating", "error"), statuses(view));
    assertTrue(view.error().contains("libvirt: guest hung"), view.error());
    InOrder order = inOrder(hv.get(H1), placement);
    order.verify(hv.get(H1)).powerOn(rec.id);
    order.verify(placement).release(moveConsumer(move));
    verifyNoInteractions(hv.get(H2));
    verify(placement, never()).swap(anyString(), anyString());
    MoveOutcome out = move.closed();
    assertEquals(H1, out.host());
    assertEquals(VmState.ACTIVE, out.vmState());
    assertEquals(PowerState.RUNNING, out.powerState());
  }

  @Test
  void defineFailureAtDestinationRemovesItRestartsSourceReleases() {
    doThrow(ApplicationFailure.newNonRetryableFailure("bad XML", "Libvirt"))
        .when(hv.get(H2))
        .define(any());
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.RESIZE, "m1.medium", null, 0L);

    MoveView view = move.result();

    assertEquals(List.of("pre-migrating", "migrating", "post-migrating", "error"), statuses(view));
    InOrder order = inOrder(hv.get(H1), hv.get(H2), placement);
    order.verify(hv.get(H2)).remove(rec.id, EPOCH + 1);
    order.verify(hv.get(H1)).powerOn(rec.id);
    order.verify(placement).release(moveConsumer(move));
    verify(hv.get(H2), never()).powerOn(anyString());
    verify(hv.get(H1), never()).remove(anyString(), anyLong());
    verify(hostRecords, never()).addCleanup(anyString(), any());
    MoveOutcome out = move.closed();
    assertFalse(out.succeeded());
    assertEquals(H1, out.host());
    assertEquals(SMALL, out.flavor());
    assertEquals(VmState.ACTIVE, out.vmState());
    assertTrue(out.error().contains("bad XML"), out.error());
  }

  @Test
  void powerOnFailureAtDestinationRemovesItRestartsSourceReleases() {
    doThrow(ApplicationFailure.newNonRetryableFailure("no memory", "Libvirt"))
        .when(hv.get(H2))
        .powerOn(anyString());
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.COLD_MIGRATION, null, null, 0L);

    MoveView view = move.result();

    assertEquals(List.of("pre-migrating", "migrating", "post-migrating", "error"), statuses(view));
    InOrder order = inOrder(hv.get(H1), hv.get(H2), placement);
    order.verify(hv.get(H2)).define(any());
    order.verify(hv.get(H2)).powerOn(rec.id);
    order.verify(hv.get(H2)).remove(rec.id, EPOCH + 1); // before the source starts: never two
    order.verify(hv.get(H1)).powerOn(rec.id);
    order.verify(placement).release(moveConsumer(move));
    verify(placement, never()).swap(anyString(), anyString());
    assertEquals(VmState.ACTIVE, move.closed().vmState());
    assertEquals(H1, move.closed().host());
  }

  @Test
  void aTransientAgentFailureIsRetried() {
    doThrow(ApplicationFailure.newFailure("libvirt connection reset", "Libvirt"))
        .doAnswer(inv -> defined(H2, inv.getArgument(0)))
        .when(hv.get(H2))
        .define(any());
    Move move =
        start(instance(VmState.ACTIVE, PowerState.RUNNING), MoveType.COLD_MIGRATION, null, null);

    assertEquals("confirmed", move.result().status()); // auto-confirm after the settings' window
    verify(hv.get(H2), times(2)).define(any());
  }

  // ---- disks: shared storage is probed; a host-local disk is copied ---------------------------

  @Test
  void sharedDiskIsProbedAndNeverCopied() {
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.COLD_MIGRATION, null, null, 0L);
    move.awaitStatus("finished");
    move.stub.confirm("alice");
    assertEquals("confirmed", move.result().status());

    String probe = "/var/lib/ferry/shared/.ferry-probe-" + move.moveId;
    InOrder order = inOrder(disk.get(H1), disk.get(H2), hv.get(H1));
    order.verify(disk.get(H2)).writeProbe(probe); // the destination writes...
    order.verify(disk.get(H1)).probeExists(probe); // ...the source finds it: shared
    order.verify(disk.get(H2)).removeProbe(probe);
    order.verify(hv.get(H1)).powerOff(rec.id, SETTINGS.gracefulShutdownSeconds());
    verify(disk.get(H1), never()).copyDisk(anyString(), anyString(), anyString());
    verify(disk.get(H1), never()).deleteDisk(anyString()); // the one disk both hosts use
    verify(disk.get(H2), never()).deleteDisk(anyString());
  }

  @Test
  void hostLocalDiskIsCopiedAndConfirmDeletesTheSourceDisk() {
    InstanceRecord rec = localDiskInstance();
    Move move = start(rec, MoveType.COLD_MIGRATION, null, null, 0L);
    move.awaitStatus("finished");

    InOrder order = inOrder(hv.get(H1), hv.get(H2), disk.get(H1), disk.get(H2), placement);
    String probe = "/var/lib/ferry/local/.ferry-probe-" + move.moveId;
    order.verify(disk.get(H2)).writeProbe(probe);
    order.verify(disk.get(H1)).probeExists(probe); // not found: host-local
    order.verify(disk.get(H2)).removeProbe(probe);
    order.verify(hv.get(H1)).powerOff(rec.id, SETTINGS.gracefulShutdownSeconds());
    // the source's agent streams it to the destination's libvirt, same path
    order.verify(disk.get(H1)).copyDisk(LOCAL_DISK, uriOf(H2), LOCAL_DISK);
    order
        .verify(hv.get(H2))
        .define(new DomainSpec(rec.id, "vm1", SMALL, EPOCH + 1, OLD_XML, LOCAL_DISK, IMAGE));
    order.verify(hv.get(H2)).powerOn(rec.id);
    verify(disk.get(H1), never()).deleteDisk(anyString()); // kept until confirm: revert needs it
    move.stub.confirm("alice");

    MoveView view = move.result();
    assertEquals("confirmed", view.status());
    assertNull(view.error());
    order.verify(hv.get(H1)).remove(rec.id, EPOCH); // the old domain first...
    order.verify(disk.get(H1)).deleteDisk(LOCAL_DISK); // ...then its disk
    order.verify(placement).swap(moveConsumer(move), "instance:" + rec.id);
    verify(disk.get(H2), never()).deleteDisk(anyString());
    assertEquals(H2, move.closed().host());

    Map<String, ActivityTaskScheduledEventAttributes> scheduled = scheduled(move);
    var copy = scheduled.get("DiskCopyDisk@ferry-host-h1");
    assertEquals(20, copy.getHeartbeatTimeout().getSeconds()); // a killed agent is noticed
    assertEquals(Duration.ofHours(6).toSeconds(), copy.getStartToCloseTimeout().getSeconds());
    assertReplays(move);
  }

  @Test
  void revertDeletesTheDestinationCopyOfTheDisk() {
    InstanceRecord rec = localDiskInstance();
    Move move = start(rec, MoveType.RESIZE, "m1.medium", null, 0L);
    move.awaitStatus("finished");

    move.stub.revert("bob");

    assertEquals("reverted", move.result().status());
    verify(disk.get(H1)).copyDisk(LOCAL_DISK, uriOf(H2), LOCAL_DISK);
    InOrder order = inOrder(hv.get(H1), hv.get(H2), disk.get(H2), placement);
    order.verify(hv.get(H2)).remove(rec.id, EPOCH + 1);
    order.verify(disk.get(H2)).deleteDisk(LOCAL_DISK); // the copy goes with its domain
    order.verify(hv.get(H1)).powerOn(rec.id); // on its own, untouched disk
    order.verify(placement).release(moveConsumer(move));
    verify(disk.get(H1), never()).deleteDisk(anyString());
    MoveOutcome out = move.closed();
    assertEquals(H1, out.host());
    assertEquals(SMALL, out.flavor());
    assertNull(out.error());
  }

  @Test
  void copyFailureDeletesThePartialCopyRestartsTheSourceReleases() {
    doThrow(ApplicationFailure.newNonRetryableFailure("stream broke", "LibvirtError"))
        .when(disk.get(H1))
        .copyDisk(anyString(), anyString(), anyString());
    InstanceRecord rec = localDiskInstance();
    Move move = start(rec, MoveType.COLD_MIGRATION, null, null, 0L);

    MoveView view = move.result();

    assertEquals(List.of("pre-migrating", "migrating", "error"), statuses(view));
    assertTrue(view.error().contains("stream broke"), view.error());
    InOrder order = inOrder(hv.get(H1), disk.get(H1), disk.get(H2), placement);
    order.verify(hv.get(H1)).powerOff(rec.id, SETTINGS.gracefulShutdownSeconds());
    order.verify(disk.get(H1)).copyDisk(LOCAL_DISK, uriOf(H2), LOCAL_DISK);
    order.verify(disk.get(H2)).deleteDisk(LOCAL_DISK); // the partial copy
    order.verify(hv.get(H1)).powerOn(rec.id);
    order.verify(placement).release(moveConsumer(move));
    verify(hv.get(H2), never()).define(any());
    verify(disk.get(H1), never()).deleteDisk(anyString()); // the only good disk
    MoveOutcome out = move.closed();
    assertEquals(H1, out.host());
    assertEquals(VmState.ACTIVE, out.vmState());
    assertEquals(PowerState.RUNNING, out.powerState());
  }

  @Test
  void aCopyInterruptedByAnAgentFailureIsRetriedAndFinishes() {
    doThrow(ApplicationFailure.newFailure("agent lost its libvirt mid-copy", "LibvirtError"))
        .doReturn(new DiskCopy(LOCAL_DISK, 42, 64L << 20, 5, 2))
        .when(disk.get(H1))
        .copyDisk(anyString(), anyString(), anyString());
    InstanceRecord rec = localDiskInstance();
    Move move = start(rec, MoveType.COLD_MIGRATION, null, null, 0L);
    move.awaitStatus("finished");
    move.stub.confirm("alice");

    assertEquals("confirmed", move.result().status());
    verify(disk.get(H1), times(2)).copyDisk(LOCAL_DISK, uriOf(H2), LOCAL_DISK);
    verify(disk.get(H2), never()).deleteDisk(anyString()); // the copy itself replaces a partial
    verify(disk.get(H1)).deleteDisk(LOCAL_DISK);
  }

  @Test
  void deadDestinationIsFoundByTheProbeBeforeTheSourceStops() {
    InstanceRecord rec = localDiskInstance();
    Move move = start(rec, MoveType.COLD_MIGRATION, null, DEAD, 0L);

    MoveView view = move.result(); // the 3 s ScheduleToStart of the probe passes

    assertEquals(List.of("pre-migrating", "error"), statuses(view));
    assertTrue(view.error().contains("unreachable"), view.error());
    verifyNoInteractions(hv.get(H1)); // never stopped
    verify(placement).release(moveConsumer(move));
    verify(hostRecords, never()).addCleanup(anyString(), any());
    MoveOutcome out = move.closed();
    assertEquals(H1, out.host());
    assertEquals(VmState.ACTIVE, out.vmState());
  }

  @Test
  void destinationDeadAtRevertOwesTheDomainAndItsDisk() throws Exception {
    InstanceRecord rec = localDiskInstance();
    Move move = start(rec, MoveType.RESIZE, "m1.medium", null, 0L);
    move.awaitStatus("finished");
    killAgent(H2);

    move.stub.requestRevert("bob");

    assertEquals("error", move.result().status());
    verify(hostRecords)
        .addCleanup(
            eq(H2),
            argThat(
                (CleanupItem c) ->
                    c.kind() == CleanupItem.Kind.REMOVE_DOMAIN_AND_DISK
                        && LOCAL_DISK.equals(c.diskPath())
                        && c.epochAtMost() == EPOCH + 1));
    verify(disk.get(H1), never()).deleteDisk(anyString());
    verify(hv.get(H1), never()).powerOn(anyString());
  }

  // ---- dead hosts ----------------------------------------------------------------------------

  @Test
  void deadDestinationDuringCompensationGetsACleanupItem() {
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    rec.diskPath = null; // no disk, no probe: the dead destination is found at define
    Move move = start(rec, MoveType.COLD_MIGRATION, null, DEAD, 0L);

    MoveView view = move.result(); // time skips over the 60 s ScheduleToStart

    assertEquals(List.of("pre-migrating", "migrating", "post-migrating", "error"), statuses(view));
    assertTrue(view.error().contains("unreachable"), view.error());
    verify(hostRecords).get(DEAD); // the timeout was only a hint: the record decided
    verify(hostRecords)
        .addCleanup(
            eq(DEAD),
            argThat(
                (CleanupItem c) ->
                    c.kind() == CleanupItem.Kind.REMOVE_STALE_DOMAIN
                        && c.instanceId().equals(rec.id)
                        && c.epochAtMost() == EPOCH + 1));
    InOrder order = inOrder(hv.get(H1), placement);
    order.verify(hv.get(H1)).powerOn(rec.id); // the dead copy was never started
    order.verify(placement).release(moveConsumer(move));
    MoveOutcome out = move.closed();
    assertEquals(H1, out.host());
    assertEquals(VmState.ACTIVE, out.vmState());
    assertReplays(move);
  }

  /**
   * A dead source is found by the look at its guest, before anything is stopped: the move ends in
   * error with nothing done, and the instance keeps its record (its host's failure is for an
   * evacuation to handle).
   */
  @Test
  void deadSourceIsFoundBeforeAnythingStops() {
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    rec.diskPath = null; // no disk, no probe: the dead source is found by the look at its guest
    rec.host = DEAD;
    Move move = start(rec, MoveType.COLD_MIGRATION, null, null, 0L);

    MoveView view = move.result();

    assertEquals(List.of("pre-migrating", "error"), statuses(view));
    assertTrue(view.error().contains("inspect on h3 failed: host h3 is unreachable"), view.error());
    verify(placement).release(moveConsumer(move));
    verify(hostRecords, never()).addCleanup(anyString(), any());
    verifyNoInteractions(hv.get(H2));
    MoveOutcome out = move.closed();
    assertFalse(out.succeeded());
    assertEquals(DEAD, out.host());
    assertEquals(VmState.ACTIVE, out.vmState());
  }

  /**
   * A source whose agent is gone does not hold up the confirm: its record is read first, no call is
   * offered to it, and the old copy goes on its cleanup list (epoch-guarded) while the move ends
   * confirmed with the instance running at the destination.
   */
  @Test
  void sourceDownAtConfirmIsConfirmedAndOwesTheStaleCopy() throws Exception {
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.COLD_MIGRATION, null, null, 0L);
    move.awaitStatus("finished");
    killAgent(H1);

    MoveView confirmed = move.stub.confirm("alice");

    assertEquals("confirmed", confirmed.status());
    assertNull(confirmed.error());
    assertEquals(
        List.of(
            "pre-migrating", "migrating", "post-migrating", "finished", "confirming", "confirmed"),
        statuses(move.result()));
    verify(hostRecords).get(H1); // the record decided: nothing was offered to the dead agent
    assertFalse(scheduled(move).containsKey("HypervisorRemove@ferry-host-h1"));
    verify(hostRecords)
        .addCleanup(
            eq(H1),
            argThat(
                (CleanupItem c) ->
                    c.kind() == CleanupItem.Kind.REMOVE_STALE_DOMAIN
                        && c.instanceId().equals(rec.id)
                        && c.epochAtMost() == EPOCH));
    verify(hostRecords, times(1)).addCleanup(anyString(), any());
    verify(placement).swap(moveConsumer(move), "instance:" + rec.id);
    verify(placement, never()).release(anyString());
    MoveOutcome out = move.closed();
    assertTrue(out.succeeded());
    assertEquals(H2, out.host());
    assertEquals(EPOCH + 1, out.epoch());
    assertEquals(VmState.ACTIVE, out.vmState());
    assertNull(out.error());
    assertReplays(move);
  }

  /**
   * A source whose record still says UP but whose agent takes no call: the removal times out, the
   * old copy is owed all the same and the confirm succeeds (before, the move ended in ERROR).
   */
  @Test
  void sourceUnreachableButUpAtConfirmIsConfirmedAndOwesTheStaleCopy() throws Exception {
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.COLD_MIGRATION, null, null, 0L);
    move.awaitStatus("finished");
    killAgent(H1);
    kit.downHosts.remove(H1); // its lease has not run out yet

    move.stub.requestConfirm("alice");
    MoveView view = move.result(); // three 3 s ScheduleToStart rounds pass

    assertEquals("confirmed", view.status());
    assertTrue(scheduled(move).containsKey("HypervisorRemove@ferry-host-h1")); // it was tried
    kit.verifyTheSourceOwesItsStaleCopy();
    verify(placement).swap(moveConsumer(move), "instance:" + rec.id);
    MoveOutcome out = move.closed();
    assertTrue(out.succeeded());
    assertEquals(H2, out.host());
    assertEquals(VmState.ACTIVE, out.vmState());
    assertNull(out.error());
  }

  /**
   * While the source is forced down, revert is refused as a typed rejection of the Update with
   * nothing changed; the move keeps waiting and its auto-confirm timer confirms on time, owing the
   * old copy and its host-local disk to the source.
   */
  @Test
  void revertIsRefusedWhileTheSourceIsForcedDownAndTheAutoConfirmOwesTheOldCopyAndDisk() {
    InstanceRecord rec = localDiskInstance();
    Move move = start(rec, MoveType.RESIZE, "m1.medium", null, Duration.ofHours(1).toSeconds());
    move.awaitStatus("finished");
    doAnswer(
            inv -> {
              HostRecord forced = hostRecord(H1);
              forced.forcedDown = true; // its agent still runs
              return forced;
            })
        .when(hostRecords)
        .get(H1);

    FerryRejection refused = assertHostUnavailable(() -> move.stub.revert("bob"));

    assertTrue(
        refused.getMessage().contains("source host h1, which is forced down"),
        refused.getMessage());
    assertTrue(refused.getMessage().contains("confirm to keep vm1 on h2"), refused.getMessage());
    assertTrue(refused.getMessage().contains("'ferry host set-up h1'"), refused.getMessage());
    MoveView waiting = move.stub.status();
    assertEquals("finished", waiting.status());
    assertEquals(4, waiting.log().size());

    MoveView view = move.result(); // time skips over the window

    assertEquals("confirmed", view.status());
    Change decision = view.log().get(4);
    assertEquals("auto-confirm", decision.actor());
    assertWithinASecond(Duration.ofHours(1), decision.atMillis() - view.log().get(3).atMillis());
    verify(hostRecords)
        .addCleanup(
            eq(H1),
            argThat(
                (CleanupItem c) ->
                    c.kind() == CleanupItem.Kind.REMOVE_DOMAIN_AND_DISK
                        && c.instanceId().equals(rec.id)
                        && c.epochAtMost() == EPOCH
                        && LOCAL_DISK.equals(c.diskPath())));
    verify(hv.get(H1), never()).remove(anyString(), anyLong());
    verify(disk.get(H1), never()).deleteDisk(anyString()); // owed with the domain, after it
    verify(hv.get(H1), never()).powerOn(anyString());
    verify(hv.get(H2), never()).remove(anyString(), anyLong());
    verify(placement).swap(moveConsumer(move), "instance:" + rec.id);
    assertEquals(List.of("FerryRejection.HOST_UNAVAILABLE"), failedUpdates(move)); // not the run
    MoveOutcome out = move.closed();
    assertTrue(out.succeeded());
    assertEquals(H2, out.host());
    assertEquals(MEDIUM, out.flavor());
    assertEquals(VmState.ACTIVE, out.vmState());
    assertNull(out.error());
    assertReplays(move);
  }

  @Test
  void revertIsRefusedWhileTheSourceIsDownThenRevertsOnceItIsBack() {
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.RESIZE, "m1.medium", null, 0L);
    move.awaitStatus("finished");
    kit.downHosts.add(H1); // its lease ran out

    FerryRejection refused = assertHostUnavailable(() -> move.stub.revert("bob"));

    assertTrue(
        refused.getMessage().contains("source host h1, which is DOWN"), refused.getMessage());
    assertTrue(
        refused.getMessage().contains("or bring h1 back (")
            && refused.getMessage().contains("and revert again"),
        refused.getMessage());
    assertEquals("finished", move.stub.status().status());
    verify(hv.get(H1), times(1)).inspect(rec.id); // only before it stopped
    verify(hv.get(H2), never()).remove(anyString(), anyLong());

    kit.downHosts.remove(H1); // its agent registered again
    MoveView reverted = move.stub.revert("bob");

    assertEquals("reverted", reverted.status());
    assertEquals("bob", move.result().log().get(4).actor());
    verify(hv.get(H2)).remove(rec.id, EPOCH + 1);
    verify(hv.get(H1)).powerOn(rec.id);
    verify(placement).release(moveConsumer(move));
    assertRunningOnTheSourceAsBefore(move.closed());
    assertReplays(move);
  }

  @Test
  void destinationDeadAtRevertIsNotRestartedAtSource() throws Exception {
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.RESIZE, "m1.medium", null, 0L);
    move.awaitStatus("finished");
    killAgent(H2);

    move.stub.requestRevert("bob");
    MoveView view = move.result();

    assertEquals("REVERTING", view.log().get(view.log().size() - 1).from());
    assertEquals("error", view.status());
    verify(hv.get(H1), times(2)).inspect(rec.id); // before it stopped; the source copy is there...
    verify(hostRecords)
        .addCleanup(
            eq(H2),
            argThat(
                (CleanupItem c) ->
                    c.kind() == CleanupItem.Kind.REMOVE_STALE_DOMAIN
                        && c.epochAtMost() == EPOCH + 1));
    // ...but the unreachable destination may still run its copy (only its agent may be gone).
    verify(hv.get(H1), never()).powerOn(anyString());
    verify(placement).release(moveConsumer(move));
    MoveOutcome out = move.closed();
    assertEquals(H1, out.host());
    assertEquals(SMALL, out.flavor());
    assertEquals(EPOCH, out.epoch());
    assertEquals(VmState.ERROR, out.vmState());
    assertEquals(PowerState.SHUTDOWN, out.powerState());
    assertTrue(out.error().contains("not restarted on h1"), out.error());
  }

  @Test
  void agentRestartedWhileACallWaitsTheMoveFinishes() {
    String h4 = "h4"; // its agent is down at first, its record still says UP
    doAnswer(
            inv -> {
              startAgent(h4); // the agent comes back
              return hostRecord(h4);
            })
        .when(hostRecords)
        .get(h4);
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.COLD_MIGRATION, null, h4, 0L);
    move.awaitStatus("finished");
    move.stub.confirm("alice");

    assertEquals("confirmed", move.result().status());
    verify(hostRecords).get(h4); // consulted once, after the first ScheduleToStart timeout
    verify(hv.get(h4))
        .define(new DomainSpec(rec.id, "vm1", SMALL, EPOCH + 1, OLD_XML, SHARED_DISK, IMAGE));
    verify(hv.get(h4)).powerOn(rec.id);
    verify(hostRecords, never()).addCleanup(anyString(), any());
    assertEquals(h4, move.closed().host());
  }

  @Test
  void revertWithoutASourceCopyKeepsTheDestinationCopy() {
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = awaitingADecisionWithoutACopyOn(H1, rec);

    move.stub.revert("bob");

    MoveView view = move.result();
    assertEquals("error", view.status());
    assertEquals("REVERTING", view.log().get(view.log().size() - 1).from());
    verify(hv.get(H2), never()).remove(anyString(), anyLong());
    verify(hv.get(H1), never()).powerOn(anyString());
    verify(placement).swap(moveConsumer(move), "instance:" + rec.id);
    MoveOutcome out = move.closed();
    assertEquals(H2, out.host());
    assertEquals(MEDIUM, out.flavor());
    assertEquals(VmState.ERROR, out.vmState());
    assertTrue(out.error().contains("is kept"), out.error());
  }

  @Test
  void confirmWithoutADestinationCopyKeepsTheSourceCopy() {
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = awaitingADecisionWithoutACopyOn(H2, rec);

    move.stub.confirm("alice");

    MoveView view = move.result();
    assertEquals("error", view.status());
    assertEquals("CONFIRMING", view.log().get(view.log().size() - 1).from());
    verify(hv.get(H1), never()).remove(anyString(), anyLong());
    verify(hostRecords, never()).addCleanup(anyString(), any());
    verify(placement).release(moveConsumer(move)); // the record goes back to the source copy
    verify(placement, never()).swap(anyString(), anyString());
    MoveOutcome out = move.closed();
    assertEquals(H1, out.host());
    assertEquals(SMALL, out.flavor());
    assertEquals(EPOCH, out.epoch());
    assertEquals(VmState.ERROR, out.vmState());
    assertTrue(
        out.error().contains("vm1 has no domain on h2; its copy on h1 is kept"), out.error());
  }

  // ---- decisions: validators and signals -----------------------------------------------------

  @Test
  void confirmAndRevertAreRejectedUnlessAwaitingADecision() throws Exception {
    CountDownLatch defining = new CountDownLatch(1);
    CountDownLatch letDefine = new CountDownLatch(1);
    doAnswer(
            inv -> {
              defining.countDown();
              letDefine.await(20, TimeUnit.SECONDS);
              return defined(H2, inv.getArgument(0));
            })
        .when(hv.get(H2))
        .define(any());
    CountDownLatch removing = new CountDownLatch(1);
    CountDownLatch letRemove = new CountDownLatch(1);
    doAnswer(
            inv -> {
              removing.countDown();
              letRemove.await(20, TimeUnit.SECONDS);
              return running(H1, SMALL, EPOCH);
            })
        .when(hv.get(H1))
        .remove(anyString(), anyLong());
    Move move =
        start(instance(VmState.ACTIVE, PowerState.RUNNING), MoveType.RESIZE, "m1.medium", null, 0L);

    assertTrue(defining.await(10, TimeUnit.SECONDS));
    assertRejected(() -> move.stub.confirm("alice"), "status post-migrating");
    assertRejected(() -> move.stub.revert("bob"), "status post-migrating");
    letDefine.countDown();
    move.awaitStatus("finished");

    CompletableFuture<MoveView> first =
        CompletableFuture.supplyAsync(() -> move.stub.confirm("alice"));
    assertTrue(removing.await(10, TimeUnit.SECONDS));
    assertRejected(() -> move.stub.confirm("alice"), "status confirming");
    assertRejected(() -> move.stub.revert("bob"), "status confirming");
    letRemove.countDown();

    assertEquals("confirmed", first.get(10, TimeUnit.SECONDS).status());
    assertEquals("confirmed", move.result().status());
    assertReplays(move); // with rejected updates in its history
    assertThrows(RuntimeException.class, () -> move.stub.confirm("alice")); // closed: no update
  }

  @Test
  void confirmSignalIsIgnoredUntilFinishedThenConfirms() {
    Move move =
        start(
            instance(VmState.ACTIVE, PowerState.RUNNING), MoveType.COLD_MIGRATION, null, null, 0L);
    move.stub.requestConfirm("too-early"); // pre-migrating: ignored
    move.awaitStatus("finished");
    kit.env.sleep(Duration.ofHours(1));
    assertEquals("finished", move.stub.status().status());

    move.stub.requestConfirm("dave");

    MoveView view = move.result();
    assertEquals("confirmed", view.status());
    assertEquals("dave", view.log().get(4).actor());
  }

  @Test
  void revertSignalReverts() {
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.RESIZE, "m1.medium", null, 0L);
    move.awaitStatus("finished");

    move.stub.requestRevert("erin");
    move.stub.requestConfirm("late"); // already decided: ignored

    MoveView view = move.result();
    assertEquals("reverted", view.status());
    assertEquals("erin", view.log().get(4).actor());
    assertEquals(SMALL, move.closed().flavor());
  }

  // ---- timeouts on the wire ------------------------------------------------------------------

  @Test
  void hostCallsCarryTheirOwnTimeouts() {
    hostScheduleToStart = HostCallOptions.SCHEDULE_TO_START; // production's, 60 s
    Move move =
        start(
            instance(VmState.ACTIVE, PowerState.RUNNING), MoveType.COLD_MIGRATION, null, null, 0L);
    move.awaitStatus("finished");
    move.stub.confirm("alice");
    move.result();

    Map<String, ActivityTaskScheduledEventAttributes> scheduled = new HashMap<>();
    for (HistoryEvent e : client.fetchHistory(move.workflowId).getEvents()) {
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        var a = e.getActivityTaskScheduledEventAttributes();
        scheduled.put(a.getActivityType().getName() + "@" + a.getTaskQueue().getName(), a);
      }
    }
    var powerOff = scheduled.get("HypervisorPowerOff@ferry-host-h1");
    assertNotNull(powerOff, scheduled.keySet().toString());
    assertEquals(60, powerOff.getScheduleToStartTimeout().getSeconds());
    assertEquals(45 + 60, powerOff.getStartToCloseTimeout().getSeconds());
    assertEquals(20, powerOff.getHeartbeatTimeout().getSeconds());
    var define = scheduled.get("HypervisorDefine@ferry-host-h2");
    assertEquals(30, define.getStartToCloseTimeout().getSeconds());
    assertEquals(60, define.getScheduleToStartTimeout().getSeconds());
    assertEquals(
        List.of("FerryRejection.INVALID_ARGUMENT"),
        define.getRetryPolicy().getNonRetryableErrorTypesList().subList(0, 1));
    assertEquals(
        30, scheduled.get("HypervisorPowerOn@ferry-host-h2").getStartToCloseTimeout().getSeconds());
    assertEquals(
        30, scheduled.get("HypervisorInspect@ferry-host-h2").getStartToCloseTimeout().getSeconds());
    assertEquals(
        120, scheduled.get("HypervisorRemove@ferry-host-h1").getStartToCloseTimeout().getSeconds());
    assertTrue(scheduled.containsKey("PlacementClaim@ferry-conductor"));
  }

  // ---- cancellation: compensation, never an abrupt end ---------------------------------------

  @Test
  void cancelDuringTheClaimReleasesItAndTouchesNoHost() throws Exception {
    Gate claim = new Gate();
    doAnswer(
            inv -> {
              claim.pass();
              ClaimRequest r = inv.getArgument(0);
              return new Claim(r.consumerId(), H2, r.resources());
            })
        .when(placement)
        .claim(any());
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.COLD_MIGRATION, null, null, 0L);
    claim.awaitEntered();

    cancelAndAwaitSeen(move);
    claim.open();

    MoveView view = move.cancelled();
    assertEquals(List.of("pre-migrating", "cancelled"), statuses(view));
    assertEquals("cancel", view.log().get(1).actor());
    assertTrue(view.finished());
    assertNull(view.error());
    verify(placement).release(moveConsumer(move)); // the claim is returned
    verify(placement, never()).swap(anyString(), anyString());
    verifyNoInteractions(hv.get(H1), hv.get(H2), disk.get(H1), disk.get(H2));
    MoveOutcome out = move.closed();
    assertEquals("cancelled", out.status());
    assertRunningOnTheSourceAsBefore(out);
    assertEquals(H1, out.sourceHost());
    assertEquals(H2, out.destHost());
    List<MoveProgress> progress = RecordingInstanceWorkflow.progressOf(rec.id);
    assertEquals(
        p(move, "cancelled", VmState.ACTIVE, TaskState.NONE, PowerState.RUNNING),
        progress.get(progress.size() - 1));
    assertReplays(move);
  }

  @Test
  void cancelWhileTheSourceStopsRestartsItThereAndReleases() throws Exception {
    Gate powerOff = new Gate();
    doAnswer(
            inv -> {
              powerOff.pass();
              return stopped(H1, SMALL, EPOCH);
            })
        .when(hv.get(H1))
        .powerOff(anyString(), anyInt());
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.COLD_MIGRATION, null, null, 0L);
    powerOff.awaitEntered();

    cancelAndAwaitSeen(move);
    powerOff.open(); // the stop finishes: a host call is never cut off halfway

    MoveView view = move.cancelled();
    assertEquals(List.of("pre-migrating", "migrating", "cancelled"), statuses(view));
    InOrder order = inOrder(hv.get(H1), placement);
    order.verify(hv.get(H1)).powerOff(rec.id, SETTINGS.gracefulShutdownSeconds());
    order.verify(hv.get(H1)).powerOn(rec.id);
    order.verify(placement).release(moveConsumer(move));
    verifyNoInteractions(hv.get(H2));
    verify(placement, never()).swap(anyString(), anyString());
    MoveOutcome out = move.closed();
    assertEquals("cancelled", out.status());
    assertEquals(H1, out.host());
    assertEquals(EPOCH, out.epoch());
    assertEquals(VmState.ACTIVE, out.vmState());
    assertEquals(PowerState.RUNNING, out.powerState());
    assertReplays(move);
  }

  @Test
  void cancelInterruptsTheDiskCopyWhichCleansUpBeforeTheCompensation() throws Exception {
    InstanceRecord rec = localDiskInstance();
    CountDownLatch copying = new CountDownLatch(1);
    AtomicBoolean copyStopped = new AtomicBoolean();
    List<Boolean> stoppedBeforeDelete = new CopyOnWriteArrayList<>();
    doAnswer(
            inv -> {
              copying.countDown();
              ActivityExecutionContext context = Activity.getExecutionContext();
              long deadline = System.currentTimeMillis() + 45_000;
              while (System.currentTimeMillis() < deadline) {
                try {
                  context.heartbeat(new long[] {1, 2});
                } catch (ActivityCanceledException e) {
                  sleepMillis(200); // the agent deletes its partial volume
                  copyStopped.set(true);
                  throw e;
                }
                sleepMillis(100);
              }
              throw new AssertionError("the copy was never cancelled");
            })
        .when(disk.get(H1))
        .copyDisk(anyString(), anyString(), anyString());
    doAnswer(
            inv -> {
              stoppedBeforeDelete.add(copyStopped.get());
              return true;
            })
        .when(disk.get(H2))
        .deleteDisk(anyString());
    Move move = start(rec, MoveType.COLD_MIGRATION, null, null, 0L);
    assertTrue(copying.await(10, TimeUnit.SECONDS));

    WorkflowStub.fromTyped(move.stub).cancel(); // seen at the copy's next heartbeat

    MoveView view = move.cancelled();
    assertEquals(List.of("pre-migrating", "migrating", "cancelled"), statuses(view));
    assertNull(view.error());
    InOrder order = inOrder(hv.get(H1), disk.get(H1), disk.get(H2), placement);
    order.verify(hv.get(H1)).powerOff(rec.id, SETTINGS.gracefulShutdownSeconds());
    order.verify(disk.get(H1)).copyDisk(LOCAL_DISK, uriOf(H2), LOCAL_DISK);
    order.verify(disk.get(H2)).deleteDisk(LOCAL_DISK); // the partial copy...
    order.verify(hv.get(H1)).powerOn(rec.id); // ...then the source runs again
    order.verify(placement).release(moveConsumer(move));
    assertEquals(List.of(true), stoppedBeforeDelete); // the copy had stopped first
    verify(disk.get(H1), times(1)).copyDisk(anyString(), anyString(), anyString());
    verify(disk.get(H1), never()).deleteDisk(anyString()); // the only good disk
    verifyNoInteractions(hv.get(H2));
    MoveOutcome out = move.closed();
    assertEquals(H1, out.host());
    assertEquals(VmState.ACTIVE, out.vmState());
    assertReplays(move);
  }

  @Test
  void cancelWhileTheDestinationStartsRemovesItsCopyAndRestartsTheSource() throws Exception {
    Gate powerOn = new Gate();
    doAnswer(
            inv -> {
              powerOn.pass();
              return running(H2, MEDIUM, EPOCH + 1);
            })
        .when(hv.get(H2))
        .powerOn(anyString());
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.RESIZE, "m1.medium", H2, 0L);
    powerOn.awaitEntered();

    cancelAndAwaitSeen(move);
    powerOn.open();

    MoveView view = move.cancelled();
    assertEquals(
        List.of("pre-migrating", "migrating", "post-migrating", "cancelled"), statuses(view));
    InOrder order = inOrder(hv.get(H1), hv.get(H2), placement);
    order.verify(hv.get(H1)).powerOff(rec.id, SETTINGS.gracefulShutdownSeconds());
    order
        .verify(hv.get(H2))
        .define(new DomainSpec(rec.id, "vm1", MEDIUM, EPOCH + 1, OLD_XML, SHARED_DISK, IMAGE));
    order.verify(hv.get(H2)).powerOn(rec.id);
    order.verify(hv.get(H2)).remove(rec.id, EPOCH + 1); // nothing left on the destination
    order.verify(hv.get(H1)).powerOn(rec.id);
    order.verify(placement).release(moveConsumer(move)); // not swapped: the record stays
    verify(placement, never()).swap(anyString(), anyString());
    verify(hv.get(H1), never()).remove(anyString(), anyLong());
    MoveOutcome out = move.closed();
    assertEquals("cancelled", out.status());
    assertEquals(H1, out.host());
    assertEquals(SMALL, out.flavor());
    assertEquals(EPOCH, out.epoch());
    assertEquals(OLD_XML, out.domainXml());
    assertEquals(VmState.ACTIVE, out.vmState());
    assertEquals(H2, out.destHost());
    assertReplays(move);
  }

  @Test
  void cancelWhoseCompensationCannotRestartTheSourceEndsInError() throws Exception {
    Gate powerOn = new Gate();
    doAnswer(
            inv -> {
              powerOn.pass();
              return running(H2, SMALL, EPOCH + 1);
            })
        .when(hv.get(H2))
        .powerOn(anyString());
    doThrow(ApplicationFailure.newNonRetryableFailure("libvirt: domain busy", "Libvirt"))
        .when(hv.get(H2))
        .remove(anyString(), anyLong());
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.COLD_MIGRATION, null, null, 0L);
    powerOn.awaitEntered();

    cancelAndAwaitSeen(move);
    powerOn.open();

    MoveView view = move.cancelled();
    assertEquals(List.of("pre-migrating", "migrating", "post-migrating", "error"), statuses(view));
    assertTrue(view.error().contains("libvirt: domain busy"), view.error());
    assertTrue(view.error().contains("cancelled"), view.error());
    verify(hv.get(H1), never()).powerOn(anyString()); // never two running copies
    verify(placement).release(moveConsumer(move));
    MoveOutcome out = move.closed();
    assertEquals(H1, out.host());
    assertEquals(VmState.ERROR, out.vmState());
  }

  @Test
  void cancelInVerifyResizeReverts() throws Exception {
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.RESIZE, "m1.medium", H2, 0L);
    move.awaitStatus("finished");

    WorkflowStub.fromTyped(move.stub).cancel();

    MoveView view = move.cancelled();
    assertEquals(
        List.of(
            "pre-migrating", "migrating", "post-migrating", "finished", "reverting", "reverted"),
        statuses(view));
    assertEquals("REVERT", view.log().get(4).event());
    assertEquals("cancel", view.log().get(4).actor());
    InOrder order = inOrder(hv.get(H1), hv.get(H2), placement);
    order.verify(hv.get(H1)).powerOff(rec.id, SETTINGS.gracefulShutdownSeconds());
    order.verify(hv.get(H1)).inspect(rec.id);
    order.verify(hv.get(H2)).remove(rec.id, EPOCH + 1);
    order.verify(hv.get(H1)).powerOn(rec.id);
    order.verify(placement).release(moveConsumer(move));
    verify(placement, never()).swap(anyString(), anyString());
    MoveOutcome out = move.closed();
    assertEquals("reverted", out.status());
    assertEquals(H1, out.host());
    assertEquals(SMALL, out.flavor());
    assertEquals(H1, out.sourceHost());
    assertEquals(H2, out.destHost()); // where it went, though it is back
    assertReplays(move);
  }

  @Test
  void aCancelAfterTheDecisionChangesNothing() throws Exception {
    Gate remove = new Gate();
    doAnswer(
            inv -> {
              remove.pass();
              return stopped(H1, SMALL, EPOCH);
            })
        .when(hv.get(H1))
        .remove(anyString(), anyLong());
    InstanceRecord rec = instance(VmState.ACTIVE, PowerState.RUNNING);
    Move move = start(rec, MoveType.COLD_MIGRATION, null, null, 0L);
    move.awaitStatus("finished");
    move.stub.requestConfirm("alice");
    remove.awaitEntered();

    cancelAndAwaitSeen(move);
    remove.open();

    MoveView view = move.cancelled();
    assertEquals("confirmed", view.status()); // confirming is finished, not interrupted
    verify(placement).swap(moveConsumer(move), "instance:" + rec.id);
    verify(placement, never()).release(anyString());
    assertEquals(H2, move.closed().host());
  }

  // ---- harness -------------------------------------------------------------------------------

  /** A started resize or cold migration with its parent. */
  private final class Move extends MoveHandle<ResizeWorkflow> {
    Move(String moveId, String instanceId) {
      super(client, ResizeWorkflow.class, moveId, instanceId, COVERAGE::walked);
    }
  }

  /** Cancels the move and waits until a workflow task has seen the cancel request. */
  private void cancelAndAwaitSeen(Move move) {
    WorkflowStub.fromTyped(move.stub).cancel();
    FerryTestEnv.awaitHandled(
        client, move.workflowId, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED, 1);
  }

  private Move start(InstanceRecord rec, MoveType type, String flavor, String destHost) {
    return start(rec, type, flavor, destHost, null);
  }

  private Move start(
      InstanceRecord rec, MoveType type, String flavor, String destHost, Long window) {
    String moveId = UUID.randomUUID().toString();
    kit.startMove(
        ResizeWorkflow.class,
        rec,
        new MoveRequest(moveId, type, rec.id, destHost, flavor, window, "test"));
    return new Move(moveId, rec.id);
  }

  private void startAgent(String host) {
    HypervisorActivities agent =
        mock(HypervisorActivities.class, withSettings().withoutAnnotations());
    when(agent.powerOff(anyString(), anyInt()))
        .thenAnswer(
            inv -> {
              if (host.equals(H1)) {
                sourceGuest = GuestState.SHUT_OFF;
              }
              return stopped(host, SMALL, EPOCH);
            });
    when(agent.powerOn(anyString())).thenAnswer(inv -> running(host, SMALL, EPOCH));
    when(agent.define(any())).thenAnswer(inv -> defined(host, inv.getArgument(0)));
    when(agent.remove(anyString(), anyLong())).thenAnswer(inv -> stopped(host, SMALL, EPOCH));
    when(agent.inspect(anyString())).thenAnswer(inv -> inspected(host, PowerState.RUNNING));
    DiskActivities disks = mock(DiskActivities.class, withSettings().withoutAnnotations());
    // The source finds the destination's probe: shared storage, unless a test says otherwise.
    when(disks.probeExists(anyString())).thenReturn(true);
    when(disks.copyDisk(anyString(), anyString(), anyString()))
        .thenAnswer(inv -> new DiskCopy(inv.getArgument(2), 1 << 20, 64L << 20, 10, 1));
    when(disks.deleteDisk(anyString())).thenReturn(true);
    hv.put(host, agent);
    disk.put(host, disks);
    kit.startAgent(host, agent, disks);
  }

  private void killAgent(String host) throws InterruptedException {
    kit.killAgent(host);
  }

  private HostRecord hostRecord(String name) {
    HostRecord r = kit.hostRecord(name);
    r.libvirtUri = uriOf(name);
    return r;
  }

  /** A host's libvirt as a peer's agent opens it (the test bed's socket path). */
  private static String uriOf(String host) {
    return "qemu+unix:///system?socket=/tb/hosts/" + host + "/run/libvirt-sock";
  }

  /** An instance whose disk is host-local: the source will not see the destination's probe. */
  private InstanceRecord localDiskInstance() {
    InstanceRecord r = instance(VmState.ACTIVE, PowerState.RUNNING);
    r.diskPath = LOCAL_DISK;
    r.sharedStorage = false;
    when(disk.get(H1).probeExists(anyString())).thenReturn(false);
    return r;
  }

  private Map<String, ActivityTaskScheduledEventAttributes> scheduled(Move move) {
    Map<String, ActivityTaskScheduledEventAttributes> scheduled = new HashMap<>();
    for (HistoryEvent e : client.fetchHistory(move.workflowId).getEvents()) {
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        var a = e.getActivityTaskScheduledEventAttributes();
        scheduled.put(a.getActivityType().getName() + "@" + a.getTaskQueue().getName(), a);
      }
    }
    return scheduled;
  }

  private static InstanceRecord instance(VmState vm, PowerState power) {
    InstanceRecord r = MoveTestKit.vm1(SMALL, OLD_XML, vm, power);
    r.baseImage = IMAGE;
    return r;
  }

  /** What a define reports: the domain defined, shut off, carrying the spec's epoch and flavor. */
  private static DomainView defined(String host, DomainSpec spec) {
    return new DomainView(
        true,
        spec.instanceId(),
        spec.name(),
        PowerState.SHUTDOWN,
        spec.flavor().vcpus(),
        spec.flavor().memoryMb(),
        spec.instanceId(),
        spec.epoch(),
        xmlOf(host, spec.flavor(), spec.epoch()));
  }

  /** The agents' inspect/powerOn report an XML by host only; a define reports flavor and epoch. */
  private static String xmlOf(String host, Flavor flavor, long epoch) {
    return "<domain host='" + host + "' flavor='" + flavor.name() + "' epoch='" + epoch + "'/>";
  }

  /**
   * The source copy with its old XML, as {@link #sourceGuest} says (stopped once the move powered
   * it off); the destination copy as it runs.
   */
  private DomainView inspected(String host, PowerState destPower) {
    if (!host.equals(H1)) {
      return new DomainView(true, "x", "vm1", destPower, 1, 2048, "x", EPOCH + 1, INSPECTED_H2);
    }
    GuestState guest = sourceGuest;
    return guest == GuestState.MISSING
        ? DomainView.absent("x")
        : new DomainView(true, "x", "vm1", guest.powerState(), 1, 2048, "x", EPOCH, OLD_XML, guest);
  }

  private static DomainView running(String host, Flavor flavor, long epoch) {
    return new DomainView(
        true, "x", "vm1", PowerState.RUNNING, flavor.vcpus(), flavor.memoryMb(), "x", epoch, null);
  }

  private static DomainView stopped(String host, Flavor flavor, long epoch) {
    return new DomainView(
        true, "x", "vm1", PowerState.SHUTDOWN, flavor.vcpus(), flavor.memoryMb(), "x", epoch, null);
  }

  private static MoveProgress p(
      Move move, String status, VmState vm, TaskState task, PowerState power) {
    return new MoveProgress(move.moveId, status, vm, task, power);
  }

  /** The progress saying the guest runs on H2 with {@code flavor} (VERIFY_RESIZE, as Nova). */
  private static MoveProgress atDest(MoveProgress p, Flavor flavor) {
    return new MoveProgress(
        p.moveId(), p.status(), p.vmState(), p.taskState(), p.powerState(), H2, flavor);
  }

  private static String moveConsumer(Move move) {
    return "move:" + move.moveId;
  }

  private static List<String> statuses(MoveView view) {
    return view.log().stream().map(c -> ResizeStatus.valueOf(c.to()).novaName()).toList();
  }

  private static void assertRejected(Runnable update, String detail) {
    RuntimeException e = assertThrows(RuntimeException.class, update::run);
    FerryRejection r =
        FerryRejection.from(e).orElseThrow(() -> new AssertionError("not a rejection", e));
    assertEquals(FerryRejection.Reason.NOTHING_PENDING, r.reason());
    assertTrue(r.getMessage().contains("is not awaiting confirmation"), r.getMessage());
    assertTrue(r.getMessage().contains(detail), r.getMessage());
    assertTrue(r.getMessage().contains("): see 'ferry migration show "), r.getMessage());
  }

  /** A resize to m1.medium awaiting its decision, its copy on {@code host} gone meanwhile. */
  private Move awaitingADecisionWithoutACopyOn(String host, InstanceRecord rec) {
    Move move = start(rec, MoveType.RESIZE, "m1.medium", null, 0L);
    move.awaitStatus("finished");
    doReturn(DomainView.absent(rec.id)).when(hv.get(host)).inspect(anyString());
    return move;
  }

  private static FerryRejection assertHostUnavailable(Runnable update) {
    RuntimeException e = assertThrows(RuntimeException.class, update::run);
    FerryRejection r =
        FerryRejection.from(e).orElseThrow(() -> new AssertionError("not a rejection", e));
    assertEquals(FerryRejection.Reason.HOST_UNAVAILABLE, r.reason());
    return r;
  }

  /** The failure types of the move's Updates that were accepted, then failed by their handler. */
  private List<String> failedUpdates(Move move) {
    return client.fetchHistory(move.workflowId).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)
        .map(e -> e.getWorkflowExecutionUpdateCompletedEventAttributes().getOutcome())
        .filter(o -> o.hasFailure())
        .map(o -> o.getFailure().getApplicationFailureInfo().getType())
        .toList();
  }

  /** Today's code replays the move's recorded history (determinism: saga threads, timers...). */
  private void assertReplays(Move move) {
    kit.assertReplays(move.workflowId, ResizeWorkflowImpl.class);
  }

  /** The guest runs where it ran, as it was: host, flavor, epoch, states. */
  private static void assertRunningOnTheSourceAsBefore(MoveOutcome out) {
    assertEquals(H1, out.host());
    assertEquals(SMALL, out.flavor());
    assertEquals(EPOCH, out.epoch());
    assertEquals(VmState.ACTIVE, out.vmState());
    assertEquals(PowerState.RUNNING, out.powerState());
  }

  private static void assertWithinASecond(Duration expected, long actualMillis) {
    assertTrue(
        actualMillis >= expected.toMillis() && actualMillis < expected.toMillis() + 1000,
        actualMillis + " ms, expected " + expected);
  }
}
