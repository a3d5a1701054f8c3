package dev.ferry.live;

import static dev.ferry.testing.MoveTestKit.EPOCH;
import static dev.ferry.testing.MoveTestKit.H1;
import static dev.ferry.testing.MoveTestKit.H2;
import static dev.ferry.testing.MoveTestKit.SHARED_DISK;
import static dev.ferry.testing.Waits.await;
import static dev.ferry.testing.Waits.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.ferry.entities.HostRecordActivities;
import dev.ferry.entities.PlacementActivities;
import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.live.JobOutcome.Result;
import dev.ferry.live.JobOutcome.SourceState;
import dev.ferry.model.BlockMigration;
import dev.ferry.model.Claim;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavor;
import dev.ferry.model.Flavors;
import dev.ferry.model.HostRecord;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.LiveMigrationOptions;
import dev.ferry.model.MoveOutcome;
import dev.ferry.model.MoveProgress;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import dev.ferry.model.Settings;
import dev.ferry.model.TaskState;
import dev.ferry.model.TimeoutAction;
import dev.ferry.model.VmState;
import dev.ferry.move.MoveView;
import dev.ferry.testing.MoveHandle;
import dev.ferry.testing.MoveTestKit;
import dev.ferry.testing.RecordUnitCorpus;
import dev.ferry.testing.RecordingInstanceWorkflow;
import dev.ferry.testing.TableCoverage;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.InOrder;

/**
 * LiveMigrationWorkflow against Temporal's test server, the entities' and the hosts' activities
 * mocked; each host's agent is its own worker factory. The job activity is scripted per test: it
 * heartbeats and signals its workflow as the real one does.
 */
@Timeout(value = 90, threadMode = ThreadMode.SEPARATE_THREAD)
@RecordUnitCorpus(LiveMigrationWorkflowImpl.class)
class LiveMigrationWorkflowTest {

  private static final String H3 = "h3";

  /** Never has a worker: calls to it time out on ScheduleToStart, and its record says DOWN. */
  private static final String DEAD = "h9";

  private static final Flavor NANO = Flavors.require("t1.nano");
  private static final String OLD_XML = "<domain><name>vm1</name></domain>";
  private static final String SHARED_DIR = "/var/lib/ferry/shared";
  private static final String LOCAL_DISK = "/var/lib/libvirt/images/vm1.qcow2";
  private static final long QEMU_7_2 = 7_002_000;
  private static final String DEST_XML = "<domain host='h2' epoch='4'/>";

  private static final LiveMigrationWorkflowImpl.Tuning TUNING =
      new LiveMigrationWorkflowImpl.Tuning(Duration.ofSeconds(3), Duration.ofSeconds(2), 3);

  @RegisterExtension
  static final TableCoverage<LiveMigrationStatus, LiveMigrationEvent> COVERAGE =
      new TableCoverage<>(
          LiveMigrationStateTable.TABLE, LiveMigrationStatus.class, LiveMigrationEvent.class);

  private final MoveTestKit kit = new MoveTestKit();
  private final WorkflowClient client = kit.client;
  private final PlacementActivities placement = kit.placement;
  private final HostRecordActivities hostRecords = kit.hostRecords;
  private final Set<String> downHosts = kit.downHosts;
  private final Map<String, HypervisorActivities> hv = new ConcurrentHashMap<>();
  private final Map<String, LiveMigrationHostActivities> live = new ConcurrentHashMap<>();
  private final Set<String> disabledHosts = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> versions = new ConcurrentHashMap<>();
  private final Map<String, String> types = new ConcurrentHashMap<>();
  private final List<JobRequest> jobRequests = new CopyOnWriteArrayList<>();
  private final AtomicInteger libvirtMigrations = new AtomicInteger();

  /** What the job activity does, attempt by attempt. */
  private volatile JobScript job;

  private volatile boolean slotFree = true;
  private volatile List<DiskInfo> sourceDisks = List.of(disk(SHARED_DISK));

  /** Whether the source sees the destination's probe files (shared storage). */
  private volatile boolean probesSeen = true;

  /** What the source's libvirt says the guest is doing (its inspectSource). */
  private volatile PowerState sourcePower = PowerState.RUNNING;

  @FunctionalInterface
  interface JobScript {
    JobOutcome run(JobRequest request, ActivityExecutionContext ctx) throws Exception;
  }

  @BeforeEach
  void setUp() {
    when(placement.settings()).thenReturn(Settings.DEFAULTS);
    when(placement.claim(any())).thenAnswer(inv -> claim(inv.getArgument(0)));
    when(hostRecords.get(anyString())).thenAnswer(inv -> hostRecord(inv.getArgument(0)));
    when(hostRecords.acquireSlot(anyString(), anyString())).thenAnswer(inv -> slotFree);
    downHosts.add(DEAD);
    job = completes();

    Worker conductor = kit.conductor();
    conductor.registerWorkflowImplementationTypes(RecordingInstanceWorkflow.class);
    conductor.registerWorkflowImplementationFactory(
        LiveMigrationWorkflow.class, () -> new LiveMigrationWorkflowImpl(TUNING));
    kit.start();
    for (String h : List.of(H1, H2, H3)) {
      startAgent(h);
    }
  }

  @AfterEach
  void tearDown() {
    kit.close();
  }

  // ---- the happy paths -----------------------------------------------------------------------

  @Test
  void sharedStorageLiveMigrationWalksEveryStatusAndBumpsTheEpoch() {
    InstanceRecord rec = instance(VmState.ACTIVE);
    Move move = start(rec, H2, LiveMigrationOptions.NONE);

    MoveView view = move.result();

    assertEquals(
        List.of("queued", "preparing", "running", "post-migrating", "completed"), statuses(view));
    assertNull(view.error());
    InOrder order = inOrder(live.get(H1), live.get(H2), hostRecords, placement, hv.get(H1));
    order.verify(live.get(H1)).inspectSource(rec.id);
    order
        .verify(placement)
        .claim(new ClaimRequest(consumer(move), NANO.resources(), H2, List.of(H1)).like(H1));
    order.verify(live.get(H2)).checkDestination(any());
    order.verify(live.get(H1)).probesSeen(List.of(probe(move)));
    order.verify(live.get(H2)).removeProbes(List.of(probe(move)));
    order.verify(hostRecords).acquireSlot(H1, move.moveId);
    order.verify(live.get(H2)).prepareDestination(any());
    order.verify(live.get(H1)).migrate(any());
    order.verify(live.get(H2)).finishAtDestination(rec.id, EPOCH + 1);
    order.verify(hv.get(H1)).remove(rec.id, EPOCH); // epoch guard: only the old copy
    order.verify(placement).swap(consumer(move), "instance:" + rec.id);
    order.verify(hostRecords).releaseSlot(H1, move.moveId);
    verify(live.get(H2))
        .prepareDestination(
            new PrepareRequest(move.moveId, rec.id, false, List.of(disk(SHARED_DISK))));
    verify(placement, never()).release(anyString());
    verify(live.get(H1), never()).removeDisks(anyList()); // shared disks are never deleted
    verify(hv.get(H2), never()).remove(anyString(), anyLong());

    JobRequest request = jobRequests.get(0);
    assertEquals(H2, request.destHost());
    assertEquals("qemu+tcp://h2/system", request.destUri());
    assertFalse(request.blockMigration());
    assertTrue(request.unsafe(), "shared disks found by Ferry's probe: VIR_MIGRATE_UNSAFE");
    assertEquals(EPOCH + 1, request.newEpoch());
    assertEquals(1600, request.completionTimeoutSeconds()); // 800 s/GiB x 2 GiB (Nova's minimum)
    assertFalse(request.resumePostCopy());

    LiveMigrationView lv = move.stub.live();
    assertEquals(Boolean.TRUE, lv.sharedStorage());
    assertEquals(Boolean.FALSE, lv.blockMigration());
    assertEquals(640L, lv.totalTimeMs());
    assertEquals(35L, lv.downtimeMs());

    MoveOutcome out = move.closed();
    assertTrue(out.succeeded());
    assertEquals("completed", out.status());
    assertEquals(H2, out.host());
    assertEquals(EPOCH + 1, out.epoch());
    assertEquals(DEST_XML, out.domainXml());
    assertEquals(VmState.ACTIVE, out.vmState());
    assertEquals(PowerState.RUNNING, out.powerState());

    List<MoveProgress> progress = RecordingInstanceWorkflow.progressOf(rec.id);
    assertEquals(p(move, "queued", VmState.ACTIVE, TaskState.MIGRATING), strip(progress.get(0)));
    assertTrue(
        progress.stream()
            .anyMatch(x -> x.status().equals("running") && x.taskState() == TaskState.MIGRATING));
    assertEquals(
        p(move, "completed", VmState.ACTIVE, TaskState.NONE),
        strip(progress.get(progress.size() - 1)));

    kit.assertSearchAttributes(move.workflowId, rec.id, H1, H2, "LIVE_MIGRATION", "completed");
    assertReplays(move);
  }

  @Test
  void blockMigrationAutoCopiesLocalDisksAndDeletesThemAtTheSourceAfterwards() {
    diskIsHostLocal();
    InstanceRecord rec = instance(VmState.ACTIVE);
    rec.diskPath = LOCAL_DISK;
    rec.sharedStorage = false;
    Move move = start(rec, H2, LiveMigrationOptions.NONE);

    assertEquals("completed", move.result().status());
    JobRequest request = jobRequests.get(0);
    assertTrue(request.blockMigration());
    assertFalse(request.unsafe());
    assertEquals(3200, request.completionTimeoutSeconds()); // (2 + 2 GiB minimum) x 800
    verify(live.get(H2))
        .prepareDestination(
            new PrepareRequest(move.moveId, rec.id, true, List.of(disk(LOCAL_DISK))));
    verify(live.get(H1)).removeDisks(List.of(LOCAL_DISK));
    verify(live.get(H2), never()).removeDisks(anyList());
    assertEquals(Boolean.TRUE, move.stub.live().blockMigration());
  }

  @Test
  void aPausedInstanceStaysPaused() {
    sourcePower = PowerState.PAUSED; // the guest is paused, as its record says
    InstanceRecord rec = instance(VmState.PAUSED);
    when(live.get(H2).finishAtDestination(anyString(), anyLong()))
        .thenReturn(new FinishedAtDestination(view(PowerState.PAUSED, DEST_XML), 500L, 1L));
    Move move = start(rec, H2, LiveMigrationOptions.NONE);

    assertEquals("completed", move.result().status());
    MoveOutcome out = move.closed();
    assertEquals(VmState.PAUSED, out.vmState());
    assertEquals(PowerState.PAUSED, out.powerState());
    verify(hv.get(H1), never()).powerOn(anyString());
  }

  /**
   * The guest's state at the source decides, not the record (which says ACTIVE): paused at the
   * start, it is migrated with VIR_MIGRATE_PAUSED, force-complete does not apply to it, and it ends
   * PAUSED at the destination.
   */
  @Test
  void aGuestPausedAtTheStartIsMigratedPausedAndCannotBeForced() {
    sourcePower = PowerState.PAUSED;
    when(live.get(H2).finishAtDestination(anyString(), anyLong()))
        .thenReturn(new FinishedAtDestination(view(PowerState.PAUSED, DEST_XML), 500L, 1L));
    AtomicBoolean finish = new AtomicBoolean();
    job = runsUntil(finish, outcome(Result.COMPLETED, SourceState.GONE, false, null));
    InstanceRecord rec = instance(VmState.ACTIVE);
    Move move = start(rec, H2, LiveMigrationOptions.NONE);
    move.awaitStatus("running");

    FerryRejection notForced = rejectionOf(() -> move.stub.forceComplete("gina"));
    assertEquals(Reason.INVALID_STATE, notForced.reason());
    assertTrue(
        notForced.getMessage().contains("moves a paused guest: force-complete does not apply"),
        notForced.getMessage());
    finish.set(true);

    assertEquals("completed", move.result().status());
    assertTrue(jobRequests.get(0).paused(), "VIR_MIGRATE_PAUSED: it stays paused at h2");
    verify(live.get(H1), never()).forceComplete(anyString(), anyBoolean());
    assertNull(move.stub.live().forcedBy());
    MoveOutcome out = move.closed();
    assertEquals(H2, out.host());
    assertEquals(VmState.PAUSED, out.vmState());
    assertEquals(PowerState.PAUSED, out.powerState());
    assertTrue(
        RecordingInstanceWorkflow.progressOf(rec.id).stream()
            .filter(x -> x.status().equals("running"))
            .allMatch(x -> x.vmState() == VmState.PAUSED),
        "while it moves, the instance is told its guest is paused");
  }

  /**
   * A source found paused after a failed job is left paused when the guest was paused from the
   * start; one the move paused is resumed (aGuestLeftPausedByForceCompleteIsResumedOnTheSource).
   */
  @Test
  void aGuestPausedAtTheStartIsNotResumedWhenTheJobFails() {
    sourcePower = PowerState.PAUSED;
    job = startsThen(outcome(Result.FAILED, SourceState.PAUSED, false, null, "failed"));
    Move move = start(instance(VmState.ACTIVE), H2);

    assertEquals("failed", move.result().status());
    assertTrue(jobRequests.get(0).paused(), "VIR_MIGRATE_PAUSED asked");
    verify(hv.get(H1), never()).powerOn(anyString());
    verify(hv.get(H2)).remove(move.instanceId, EPOCH + 1);
    MoveOutcome out = move.closed();
    assertEquals(H1, out.host());
    assertEquals(VmState.PAUSED, out.vmState());
    assertEquals(PowerState.PAUSED, out.powerState());
  }

  @Test
  void aSuspendedGuestIsRejectedWhateverTheRecordSays() {
    sourcePower = PowerState.SUSPENDED;
    Move move = start(instance(VmState.ACTIVE), H2);

    assertRejected(
        move,
        Reason.INVALID_STATE,
        "server vm1 is PM_SUSPENDED on h1: only a RUNNING or PAUSED guest can be live-migrated");
    MoveOutcome out = move.closed();
    assertEquals(VmState.SUSPENDED, out.vmState(), "the instance takes its guest's state");
    assertEquals(PowerState.SUSPENDED, out.powerState());
  }

  @Test
  void withoutAHostPlacementProposesAndTheNextCandidateIsTriedWhenOneFailsItsChecks() {
    InstanceRecord rec = instance(VmState.ACTIVE);
    doThrow(rejection(Reason.HYPERVISOR_INCOMPATIBLE, "the guest CPU is incompatible with h2"))
        .when(live.get(H2))
        .checkDestination(any());
    Move move = start(rec, null, LiveMigrationOptions.NONE);

    MoveView view = move.result();

    assertEquals("completed", view.status());
    assertEquals(H3, view.destHost());
    InOrder order = inOrder(placement);
    order
        .verify(placement)
        .claim(new ClaimRequest(consumer(move), NANO.resources(), null, List.of(H1)).like(H1));
    order.verify(placement).release(consumer(move));
    order
        .verify(placement)
        .claim(new ClaimRequest(consumer(move), NANO.resources(), null, List.of(H1, H2)).like(H1));
    order.verify(placement).swap(consumer(move), "instance:" + rec.id);
    assertEquals(
        List.of("h2: the guest CPU is incompatible with h2"), move.stub.live().candidatesRefused());
    verify(live.get(H2), never()).prepareDestination(any());
  }

  @Test
  void candidatesAreTriedUpToMaxRetries() {
    InstanceRecord rec = instance(VmState.ACTIVE);
    doThrow(rejection(Reason.INVALID_STATE, "network 'prod' is missing on h2"))
        .when(live.get(H2))
        .checkDestination(any());
    doThrow(rejection(Reason.INVALID_STATE, "network 'prod' is missing on h3"))
        .when(live.get(H3))
        .checkDestination(any());
    Move move = start(rec, null, options(o -> o.maxRetries = 1));

    assertRejected(move, Reason.NO_VALID_HOST, "after 2 candidate(s)");
    assertTrue(move.stub.live().error().contains("network 'prod' is missing on h3"));
    verify(placement, org.mockito.Mockito.times(2)).release(consumer(move));
  }

  @Test
  void whenPlacementRunsOutOfCandidatesTheRefusalsAreReported() {
    InstanceRecord rec = instance(VmState.ACTIVE);
    doThrow(rejection(Reason.HYPERVISOR_INCOMPATIBLE, "h2 is too old"))
        .when(live.get(H2))
        .checkDestination(any());
    doThrow(rejection(Reason.HYPERVISOR_INCOMPATIBLE, "h3 is too old"))
        .when(live.get(H3))
        .checkDestination(any());
    Move move = start(rec, null, LiveMigrationOptions.NONE);

    assertRejected(move, Reason.NO_VALID_HOST, "h2: h2 is too old; h3: h3 is too old");
  }

  // ---- pre-check rejections: typed, and nothing touched ---------------------------------------

  @Test
  void aStoppedInstanceIsRejected() {
    assertRejected(start(instance(VmState.STOPPED), H2), Reason.INVALID_STATE, "ACTIVE or PAUSED");
  }

  @Test
  void aDownSourceIsRejected() {
    downHosts.add(H1);
    assertRejected(
        start(instance(VmState.ACTIVE), H2),
        Reason.HOST_UNAVAILABLE,
        "source host h1 of vm1 is down: live migration needs its agent; evacuate the server"
            + " instead ('ferry evacuate vm1')");
  }

  @Test
  void theSourceAsDestinationIsRejected() {
    assertRejected(
        start(instance(VmState.ACTIVE), H1),
        Reason.SAME_HOST,
        "server vm1 is already on host h1: pick another host or omit --host");
  }

  @Test
  void anUnknownDestinationIsRejected() {
    assertRejected(start(instance(VmState.ACTIVE), "nowhere"), Reason.UNKNOWN_HOST, "nowhere");
  }

  @Test
  void aDownDestinationIsRejected() {
    assertRejected(start(instance(VmState.ACTIVE), DEAD), Reason.HOST_UNAVAILABLE, "is down");
  }

  @Test
  void aDisabledDestinationIsRejected() {
    disabledHosts.add(H2);
    assertRejected(start(instance(VmState.ACTIVE), H2), Reason.HOST_UNAVAILABLE, "is disabled");
  }

  @Test
  void aFullDestinationIsRejectedByPlacement() {
    doThrow(rejection(Reason.INSUFFICIENT_CAPACITY, "host 'h2' has too little capacity"))
        .when(placement)
        .claim(any());
    Move move = start(instance(VmState.ACTIVE), H2);
    assertRejected(move, Reason.INSUFFICIENT_CAPACITY, "too little capacity");
    verify(placement, never()).release(anyString()); // nothing was claimed
  }

  @Test
  void anotherHypervisorTypeIsRejected() {
    types.put(H2, "Xen");
    assertRejected(start(instance(VmState.ACTIVE), H2), Reason.HYPERVISOR_INCOMPATIBLE, "runs Xen");
  }

  @Test
  void anOlderHypervisorIsRejected() {
    versions.put(H2, 6_002_000L);
    assertRejected(
        start(instance(VmState.ACTIVE), H2), Reason.HYPERVISOR_INCOMPATIBLE, "is older than");
  }

  @Test
  void anIncompatibleCpuIsRejectedByTheDestinationsCheck() {
    doThrow(
            rejection(
                Reason.HYPERVISOR_INCOMPATIBLE,
                "h2 cannot run the guest's CPU (Haswell): incompatible"))
        .when(live.get(H2))
        .checkDestination(any());
    assertRejected(start(instance(VmState.ACTIVE), H2), Reason.HYPERVISOR_INCOMPATIBLE, "Haswell");
  }

  @Test
  void aMissingNetworkIsRejectedByTheDestinationsCheck() {
    doThrow(rejection(Reason.INVALID_STATE, "bridge br-prod does not exist on h2"))
        .when(live.get(H2))
        .checkDestination(any());
    assertRejected(start(instance(VmState.ACTIVE), H2), Reason.INVALID_STATE, "br-prod");
  }

  @Test
  void blockMigrationOfSharedDisksIsRejected() {
    Move move = start(instance(VmState.ACTIVE), H2, options(o -> o.block = BlockMigration.TRUE));
    assertRejected(move, Reason.INVALID_ARGUMENT, "cannot block-migrate");
    verify(live.get(H2)).removeProbes(List.of(probe(move))); // the probe never stays behind
  }

  @Test
  void localDisksWithoutBlockMigrationAreRejected() {
    diskIsHostLocal();
    Move move = start(instance(VmState.ACTIVE), H2, options(o -> o.block = BlockMigration.FALSE));
    assertRejected(move, Reason.INVALID_ARGUMENT, "--block-migrate");
  }

  @Test
  void tooLittleDiskSpaceForABlockMigrationIsRejected() {
    sourceDisks = List.of(new DiskInfo("vda", LOCAL_DISK, "qcow2", 10L << 30));
    probesSeen = false;
    assertRejected(
        start(instance(VmState.ACTIVE), H2), Reason.INSUFFICIENT_CAPACITY, "MiB free under");
  }

  @Test
  void aGuestAlreadyBusyWithAJobIsRejected() {
    when(live.get(H1).inspectSource(anyString())).thenReturn(facts(true));
    assertRejected(start(instance(VmState.ACTIVE), H2), Reason.INSTANCE_BUSY, "libvirt job");
  }

  @Test
  void invalidOptionsAreRejected() {
    assertRejected(
        start(instance(VmState.ACTIVE), H2, options(o -> o.maxDowntimeMs = 0L)),
        Reason.INVALID_ARGUMENT,
        "max downtime");
  }

  // ---- the source's outbound slot -------------------------------------------------------------

  @Test
  void theClusterDefaultsFillWhatTheRequestLeavesOutAndARequestedValueWins() {
    LiveMigrationOptions configured =
        new LiveMigrationOptions(
            BlockMigration.AUTO,
            40L,
            300L,
            100L,
            TimeoutAction.FORCE_COMPLETE,
            0L,
            true,
            true,
            0,
            60L);
    when(placement.settings()).thenReturn(new Settings(false, 3600, 1, 60, configured));
    Move move = start(instance(VmState.ACTIVE), H2, options(o -> o.maxDowntimeMs = 900L));

    assertEquals("completed", move.result().status());

    LiveMigrationOptions expected =
        new LiveMigrationOptions(
            BlockMigration.AUTO,
            40L,
            900L,
            100L,
            TimeoutAction.FORCE_COMPLETE,
            0L,
            true,
            true,
            0,
            60L);
    JobRequest request = jobRequests.get(0);
    assertEquals(expected, request.options());
    assertEquals(200, request.completionTimeoutSeconds()); // 100 s/GiB x 2 GiB
    assertEquals(expected, move.stub.live().options()); // what `ferry migration show` prints
    verify(placement, times(1)).settings(); // read once; the value is in the history
    assertReplays(move);
  }

  @Test
  void settingsFromAnOlderConductorMeanNovasDefaults() {
    when(placement.settings()).thenReturn(new Settings(false, 3600, 1, 60, null));
    Move move = start(instance(VmState.ACTIVE), H2);

    assertEquals("completed", move.result().status());
    assertEquals(
        LiveMigrationOptions.NONE.resolvedWith(LiveMigrationOptions.DEFAULTS),
        jobRequests.get(0).options());
  }

  @Test
  void aQueuedMoveStartsWhenTheSourceGrantsItsSlot() {
    slotFree = false;
    Move move = start(instance(VmState.ACTIVE), H2);
    awaitTrue(() -> move.stub.live().queued(), "queued for the slot");
    assertEquals("queued", move.stub.status().status());
    verify(live.get(H2), never()).prepareDestination(any());
    FerryRejection notRunning = rejectionOf(() -> move.stub.forceComplete("ivan"));
    assertEquals(Reason.INVALID_STATE, notRunning.reason());
    assertTrue(notRunning.getMessage().contains("is queued"), notRunning.getMessage());

    client
        .newUntypedWorkflowStub(move.workflowId)
        .signal(dev.ferry.host.HostWorkflow.SLOT_GRANTED_SIGNAL, H1);

    assertEquals("completed", move.result().status());
    verify(hostRecords).releaseSlot(H1, move.moveId);
  }

  @Test
  void aQueuedMoveAbortedTouchesNothing() {
    slotFree = false;
    Move move = start(instance(VmState.ACTIVE), H2);
    awaitTrue(() -> move.stub.live().queued(), "queued for the slot");

    LiveMigrationView aborted = move.stub.abort("bob");

    assertEquals("cancelled", aborted.status());
    assertEquals("bob", aborted.abortRequestedBy());
    assertEquals(List.of("queued", "cancelled"), statuses(move.result()));
    assertEquals("bob", move.result().log().get(1).actor());
    verify(live.get(H2), never()).prepareDestination(any());
    verify(live.get(H1), never()).migrate(any());
    verify(hv.get(H2), never()).remove(anyString(), anyLong());
    verify(live.get(H2), never()).removeDisks(anyList());
    verify(hostRecords).releaseSlot(H1, move.moveId); // its place in the queue
    verify(placement).release(consumer(move));
    MoveOutcome out = move.closed();
    assertEquals(H1, out.host());
    assertEquals(EPOCH, out.epoch());
    assertEquals(VmState.ACTIVE, out.vmState());
    assertFalse(out.succeeded());
  }

  @Test
  void aMoveQueuedTooLongFailsAndGivesEverythingBack() {
    slotFree = false;
    Move move = start(instance(VmState.ACTIVE), H2, options(o -> o.queueTimeoutSeconds = 600L));

    MoveView view = move.result(); // time skips over the queue timeout

    assertEquals(List.of("queued", "failed"), statuses(view));
    assertTrue(view.error().contains("no outbound live-migration slot on h1 within 600 s"));
    verify(hostRecords).releaseSlot(H1, move.moveId);
    verify(placement).release(consumer(move));
  }

  @Test
  void whenNothingCanBeGivenBackAQueuedMoveEndsInError() {
    slotFree = false;
    doThrow(ApplicationFailure.newNonRetryableFailure("placement is down", "X"))
        .when(placement)
        .release(anyString());
    Move move = start(instance(VmState.ACTIVE), H2, options(o -> o.queueTimeoutSeconds = 60L));

    MoveView view = move.result();

    assertEquals(List.of("queued", "error"), statuses(view));
    assertTrue(view.error().contains("release the claim failed"), view.error());
    assertEquals(VmState.ACTIVE, move.closed().vmState()); // the guest never moved
  }

  // ---- abort ---------------------------------------------------------------------------------

  @Test
  void abortWhilePreparingRollsBackTheDestination() {
    diskIsHostLocal();
    CountDownLatch preparing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    when(live.get(H2).prepareDestination(any()))
        .thenAnswer(
            inv -> {
              preparing.countDown();
              release.await(20, TimeUnit.SECONDS);
              return List.of(LOCAL_DISK);
            });
    Move move = start(instance(VmState.ACTIVE), H2);
    await(preparing);
    assertEquals("preparing", move.stub.status().status());

    var aborting =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> move.stub.abort("carol"));
    awaitTrue(() -> "carol".equals(move.stub.live().abortRequestedBy()), "abort recorded");
    release.countDown();

    assertEquals("cancelled", aborting.join().status());
    assertEquals(List.of("queued", "preparing", "cancelled"), statuses(move.result()));
    verify(live.get(H1), never()).migrate(any());
    verify(live.get(H2)).removeDisks(List.of(LOCAL_DISK));
    verify(hv.get(H2), never()).remove(anyString(), anyLong()); // no job: no incoming copy
    verify(placement).release(consumer(move));
    verify(hostRecords).releaseSlot(H1, move.moveId);
  }

  @Test
  void abortWhileRunningCancelsTheJobAndTheGuestStaysOnTheSource() {
    job = runsUntilCancelled(Result.ABORTED, SourceState.RUNNING);
    Move move = start(instance(VmState.ACTIVE), H2);
    move.awaitStatus("running");

    LiveMigrationView aborted = move.stub.abort("dave");

    assertEquals("cancelled", aborted.status());
    assertEquals(List.of("queued", "preparing", "running", "cancelled"), statuses(move.result()));
    InOrder order = inOrder(hv.get(H2), placement, hostRecords);
    order.verify(hv.get(H2)).remove(move.instanceId, EPOCH + 1); // the incoming copy only
    order.verify(placement).release(consumer(move));
    order.verify(hostRecords).releaseSlot(H1, move.moveId);
    verify(hv.get(H1), never()).powerOn(anyString()); // it kept running
    verify(live.get(H2), never()).finishAtDestination(anyString(), anyLong());
    MoveOutcome out = move.closed();
    assertEquals(H1, out.host());
    assertEquals(EPOCH, out.epoch());
    assertEquals(VmState.ACTIVE, out.vmState());
    assertNull(out.error(), "an abort is not an error");
    assertReplays(move);
  }

  @Test
  void abortLosingTheRaceAtSwitchoverCompletesTheMigration() {
    job = runsUntilCancelled(Result.COMPLETED, SourceState.GONE);
    Move move = start(instance(VmState.ACTIVE), H2);
    move.awaitStatus("running");

    LiveMigrationView view = move.stub.abort("erin");

    assertEquals("completed", view.status());
    assertTrue(view.error().contains("came too late"), view.error());
    assertEquals(H2, move.closed().host());
    verify(hv.get(H2), never()).remove(anyString(), anyLong());
    verify(hv.get(H1)).remove(move.instanceId, EPOCH);
  }

  @Test
  void abortIsRefusedInPostCopyAndAfterTheEnd() {
    CountDownLatch finish = new CountDownLatch(1);
    job =
        (r, ctx) -> {
          signalStarted(ctx);
          signal(ctx, LiveMigrationWorkflow.POST_COPY_STARTED_SIGNAL, "timeout-action");
          while (!finish.await(100, TimeUnit.MILLISECONDS)) {
            ctx.heartbeat(JobProgress.starting(0, "post-copy").withPhase("post-copy", null));
          }
          return outcome(
              Result.COMPLETED, SourceState.GONE, true, "post-copy (completion timeout)");
        };
    Move move = start(instance(VmState.ACTIVE), H2, options(o -> o.permitPostCopy = true));
    move.awaitStatus("running-post-copy");

    FerryRejection refused = rejectionOf(() -> move.stub.abort("frank"));
    assertEquals(Reason.INVALID_STATE, refused.reason());
    assertTrue(refused.getMessage().contains("can no longer be aborted"), refused.getMessage());
    FerryRejection notForced = rejectionOf(() -> move.stub.forceComplete("frank"));
    assertEquals(Reason.INVALID_STATE, notForced.reason());
    finish.countDown();

    assertEquals(
        List.of(
            "queued", "preparing", "running", "running-post-copy", "post-migrating", "completed"),
        statuses(move.result()));
    assertEquals("timeout-action", move.result().log().get(3).actor());
  }

  @Test
  void cancellingTheWholeWorkflowIsAnAbort() {
    job = runsUntilCancelled(Result.ABORTED, SourceState.RUNNING);
    Move move = start(instance(VmState.ACTIVE), H2);
    move.awaitStatus("running");

    WorkflowStub.fromTyped(move.stub).cancel();

    // Temporal closes a cancel-requested workflow as canceled, after the move has rolled back.
    assertThrows(
        io.temporal.client.WorkflowFailedException.class,
        () -> WorkflowStub.fromTyped(move.stub).getResult(MoveView.class));
    MoveView view = move.stub.status();
    COVERAGE.walked(view);
    assertEquals(List.of("queued", "preparing", "running", "cancelled"), statuses(view));
    assertEquals("workflow cancel", move.stub.live().abortRequestedBy());
    verify(hv.get(H2)).remove(move.instanceId, EPOCH + 1);
    client.newUntypedWorkflowStub(Names.instanceWorkflowId(move.instanceId)).getResult(Void.class);
    MoveOutcome out = RecordingInstanceWorkflow.closedOf(move.instanceId).get(0);
    assertEquals("cancelled", out.status());
    assertEquals(H1, out.host());
    // where the move went, not where the guest ended: the summary lists H1 -> H2
    assertEquals(H1, out.sourceHost());
    assertEquals(H2, out.destHost());
  }

  // ---- force-complete and the timeout actions -------------------------------------------------

  @Test
  void forceCompleteSuspendsTheGuestAndTheJobCompletes() {
    AtomicBoolean forced = forceCompleteAnswers("suspend");
    job = runsUntil(forced, outcome(Result.COMPLETED, SourceState.GONE, false, null));
    Move move = start(instance(VmState.ACTIVE), H2);
    move.awaitStatus("running");

    LiveMigrationView view = move.stub.forceComplete("gina");

    assertEquals("suspend by gina", view.forcedBy());
    assertEquals("completed", move.result().status());
    verify(live.get(H1)).forceComplete(move.instanceId, false);
    assertEquals(H2, move.closed().host());
  }

  @Test
  void forceCompleteSwitchesToPostCopyWhenPermitted() {
    AtomicBoolean forced = forceCompleteAnswers("post-copy");
    job = runsUntil(forced, outcome(Result.COMPLETED, SourceState.GONE, true, null));
    Move move = start(instance(VmState.ACTIVE), H2, options(o -> o.permitPostCopy = true));
    move.awaitStatus("running");

    move.stub.forceComplete("hank");

    assertEquals(
        List.of(
            "queued", "preparing", "running", "running-post-copy", "post-migrating", "completed"),
        statuses(move.result()));
    assertEquals("force-complete by hank", move.result().log().get(3).actor());
    verify(live.get(H1)).forceComplete(move.instanceId, true);
    assertTrue(jobRequests.get(0).options().permitPostCopy());
  }

  @Test
  void theCompletionTimeoutAbortsByDefault() {
    job =
        startsThen(
            outcome(
                Result.ABORTED, SourceState.RUNNING, false, null, "completion timeout (1600 s)"));
    Move move = start(instance(VmState.ACTIVE), H2);

    MoveView view = move.result();

    assertEquals(List.of("queued", "preparing", "running", "failed"), statuses(view));
    assertEquals(TimeoutAction.ABORT, jobRequests.get(0).options().timeoutAction());
    verify(hv.get(H2)).remove(move.instanceId, EPOCH + 1);
    assertEquals(VmState.ACTIVE, move.closed().vmState());
  }

  @Test
  void theCompletionTimeoutCanForceCompletionInstead() {
    job =
        startsThen(
            outcome(Result.COMPLETED, SourceState.GONE, false, "suspend (completion timeout)"));
    Move move =
        start(
            instance(VmState.ACTIVE),
            H2,
            options(
                o -> {
                  o.timeoutAction = TimeoutAction.FORCE_COMPLETE;
                  o.perGiB = 5L;
                }));

    assertEquals("completed", move.result().status());
    assertEquals(TimeoutAction.FORCE_COMPLETE, jobRequests.get(0).options().timeoutAction());
    assertEquals(10, jobRequests.get(0).completionTimeoutSeconds());
    assertEquals("suspend (completion timeout)", move.stub.live().forcedBy());
  }

  @Test
  void theProgressTimeoutAbortsAndTheGuestStaysOnTheSource() {
    job =
        startsThen(
            outcome(Result.ABORTED, SourceState.RUNNING, false, null, "no progress for 150 s"));
    Move move = start(instance(VmState.ACTIVE), H2);

    MoveView view = move.result();

    assertEquals("failed", view.status());
    assertTrue(view.error().contains("no progress for 150 s"), view.error());
    assertEquals(150L, jobRequests.get(0).options().progressTimeoutSeconds());
  }

  // ---- the job activity retried -------------------------------------------------------------

  @Test
  void aRetriedJobActivityReattachesInsteadOfStartingASecondMigration() {
    List<Optional<JobProgress>> detailsSeen = new CopyOnWriteArrayList<>();
    job =
        (r, ctx) -> {
          Optional<JobProgress> previous = ctx.getHeartbeatDetails(JobProgress.class);
          detailsSeen.add(previous);
          if (previous.isEmpty()) {
            ctx.heartbeat(JobProgress.starting(System.currentTimeMillis(), "attempt 1"));
            signalStarted(ctx);
            libvirtMigrations.incrementAndGet();
            Thread.sleep(4_000); // the agent hangs: heartbeat timeout (2 s), attempt 2 follows
            return outcome(Result.FAILED, SourceState.RUNNING, false, null, "stale attempt");
          }
          signalStarted(ctx); // ignored: the workflow is already running
          return outcome(Result.COMPLETED, SourceState.GONE, false, null);
        };
    Move move = start(instance(VmState.ACTIVE), H2);

    MoveView view = move.result();

    assertEquals(
        List.of("queued", "preparing", "running", "post-migrating", "completed"), statuses(view));
    assertEquals(1, libvirtMigrations.get());
    assertEquals(2, detailsSeen.size());
    assertTrue(detailsSeen.get(1).orElseThrow().started(), "attempt 2 saw the started marker");
    verify(live.get(H1), never()).settleJob(anyString(), anyBoolean());
  }

  // ---- a failure at every step, with its compensation ------------------------------------------

  @Test
  void aLibvirtErrorInspectingTheSourceFailsWithNothingTouched() {
    when(live.get(H1).inspectSource(anyString()))
        .thenThrow(ApplicationFailure.newNonRetryableFailure("libvirt: internal error", "X"));
    Move move = start(instance(VmState.ACTIVE), H2);

    MoveView view = move.result();

    assertEquals(List.of("queued", "failed"), statuses(view));
    assertTrue(view.error().contains("internal error"), view.error());
    verify(placement, never()).claim(any());
    verify(hostRecords, never()).acquireSlot(anyString(), anyString());
  }

  @Test
  void aFailedProbeLookupStillRemovesTheProbes() {
    when(live.get(H1).probesSeen(anyList()))
        .thenThrow(ApplicationFailure.newNonRetryableFailure("stat failed", "X"));
    Move move = start(instance(VmState.ACTIVE), H2);

    assertEquals("failed", move.result().status());
    verify(live.get(H2)).removeProbes(List.of(probe(move)));
    verify(placement).release(consumer(move));
    verify(hostRecords, never()).acquireSlot(anyString(), anyString());
  }

  @Test
  void aFailedSlotRequestReleasesTheClaim() {
    when(hostRecords.acquireSlot(anyString(), anyString()))
        .thenThrow(ApplicationFailure.newNonRetryableFailure("host workflow gone", "X"));
    Move move = start(instance(VmState.ACTIVE), H2);

    assertEquals(List.of("queued", "failed"), statuses(move.result()));
    verify(placement).release(consumer(move));
    verify(live.get(H2), never()).prepareDestination(any());
  }

  @Test
  void aFailedPreLiveMigrationRemovesWhatItMayHaveCreated() {
    diskIsHostLocal();
    when(live.get(H2).prepareDestination(any()))
        .thenThrow(ApplicationFailure.newNonRetryableFailure("qemu-img: no space", "X"));
    Move move = start(instance(VmState.ACTIVE), H2);

    MoveView view = move.result();

    assertEquals(List.of("queued", "preparing", "failed"), statuses(view));
    verify(live.get(H2)).removeDisks(List.of(LOCAL_DISK));
    verify(live.get(H1), never()).migrate(any());
    verify(placement).release(consumer(move));
    verify(hostRecords).releaseSlot(H1, move.moveId);
  }

  @Test
  void aJobFailingBeforeSwitchoverRollsBackTheDestination() {
    diskIsHostLocal();
    job =
        startsThen(
            outcome(Result.FAILED, SourceState.RUNNING, false, null, "unable to connect to h2"));
    Move move = start(instance(VmState.ACTIVE), H2);

    MoveView view = move.result();

    assertEquals(List.of("queued", "preparing", "running", "failed"), statuses(view));
    assertTrue(view.error().contains("unable to connect to h2"), view.error());
    InOrder order = inOrder(hv.get(H2), live.get(H2), placement);
    order.verify(hv.get(H2)).remove(move.instanceId, EPOCH + 1);
    order.verify(live.get(H2)).removeDisks(List.of(LOCAL_DISK));
    order.verify(placement).release(consumer(move));
    verify(live.get(H1), never()).removeDisks(anyList());
    verify(hv.get(H1), never()).remove(anyString(), anyLong());
  }

  @Test
  void aGuestLeftPausedByForceCompleteIsResumedOnTheSource() {
    job =
        startsThen(
            outcome(
                Result.FAILED,
                SourceState.PAUSED,
                false,
                "suspend (completion timeout)",
                "failed"));
    Move move = start(instance(VmState.ACTIVE), H2);

    assertEquals("failed", move.result().status());
    verify(hv.get(H1)).powerOn(move.instanceId);
    assertEquals(PowerState.RUNNING, move.closed().powerState());
  }

  @Test
  void whenTheJobActivityKeepsFailingTheJobIsSettledOnTheSource() {
    job =
        (r, ctx) -> {
          throw new IllegalStateException("agent bug");
        };
    when(live.get(H1).settleJob(anyString(), anyBoolean()))
        .thenReturn(outcome(Result.ABORTED, SourceState.RUNNING, false, null, "aborted"));
    Move move = start(instance(VmState.ACTIVE), H2);

    MoveView view = move.result();

    assertEquals(List.of("queued", "preparing", "failed"), statuses(view)); // it never started
    assertTrue(view.error().contains("agent bug"), view.error());
    verify(live.get(H1)).settleJob(move.instanceId, true);
    verify(hv.get(H2)).remove(move.instanceId, EPOCH + 1);
  }

  @Test
  void aSettledJobThatFinishedAfterAllCompletesTheMigration() {
    job =
        (r, ctx) -> {
          signalStarted(ctx);
          throw new IllegalStateException("connection reset while migrating");
        };
    when(live.get(H1).settleJob(anyString(), anyBoolean()))
        .thenReturn(outcome(Result.NO_JOB, SourceState.GONE, false, null));
    when(hv.get(H2).inspect(anyString())).thenReturn(view(PowerState.RUNNING, DEST_XML));
    Move move = start(instance(VmState.ACTIVE), H2);

    assertEquals("completed", move.result().status());
    verify(hv.get(H2), never()).remove(anyString(), anyLong());
    assertEquals(EPOCH + 1, move.closed().epoch());
  }

  @Test
  void aSourceThatDiesDuringTheJobEndsInErrorAndTheDestinationCopyGoes() {
    job =
        (r, ctx) -> {
          signalStarted(ctx);
          throw new IllegalStateException("libvirt connection lost");
        };
    sourceDiesWhenTheJobIsSettled();
    when(hv.get(H2).inspect(anyString())).thenReturn(view(PowerState.PAUSED, null));
    Move move = start(instance(VmState.ACTIVE), H2);

    MoveView view = move.result();

    assertEquals(List.of("queued", "preparing", "running", "error"), statuses(view));
    verify(hv.get(H2)).remove(move.instanceId, EPOCH + 1); // a paused incoming copy is not live
    MoveOutcome out = move.closed();
    assertEquals(H1, out.host());
    assertEquals(VmState.ERROR, out.vmState());
  }

  /**
   * Paused from the start, the guest is paused at the destination whether its job finished there or
   * not: with the source gone that copy is kept (it may be the only one), in ERROR.
   */
  @Test
  void aSourceThatDiesDuringTheJobOfAPausedGuestKeepsItsPausedDestinationCopy() {
    sourcePower = PowerState.PAUSED;
    job =
        (r, ctx) -> {
          signalStarted(ctx);
          throw new IllegalStateException("libvirt connection lost");
        };
    sourceDiesWhenTheJobIsSettled();
    when(hv.get(H2).inspect(anyString())).thenReturn(view(PowerState.PAUSED, null));
    Move move = start(instance(VmState.PAUSED), H2);

    MoveView view = move.result();

    assertEquals(List.of("queued", "preparing", "running", "error"), statuses(view));
    assertTrue(view.error().contains("its paused copy on h2"), view.error());
    assertTrue(view.error().contains("it is kept: look at both hosts"), view.error());
    verify(hv.get(H2), never()).remove(anyString(), anyLong());
    verify(placement).release(consumer(move));
    MoveOutcome out = move.closed();
    assertEquals(H1, out.host());
    assertEquals(VmState.ERROR, out.vmState());
  }

  @Test
  void aFailedPostCopyIsRecoveredWithPostCopyResume() {
    AtomicInteger attempt = new AtomicInteger();
    job =
        (r, ctx) -> {
          if (attempt.incrementAndGet() == 1) {
            return postCopyFailsAfterStarting(ctx);
          }
          assertTrue(r.resumePostCopy());
          return outcome(Result.COMPLETED, SourceState.GONE, true, null);
        };
    Move move = start(instance(VmState.ACTIVE), H2, options(o -> o.permitPostCopy = true));

    MoveView view = move.result();

    assertEquals(
        List.of(
            "queued", "preparing", "running", "running-post-copy", "post-migrating", "completed"),
        statuses(view));
    assertEquals(2, jobRequests.size());
    assertTrue(jobRequests.get(1).resumePostCopy());
    assertEquals(H2, move.closed().host());
  }

  @Test
  void anUnrecoverablePostCopyLeavesTheInstanceInErrorOnTheDestination() {
    job =
        (r, ctx) -> {
          if (!r.resumePostCopy()) {
            return postCopyFailsAfterStarting(ctx);
          }
          return outcome(
              Result.POST_COPY_FAILED, SourceState.POST_COPY_FAILED, true, null, "still down");
        };
    Move move = start(instance(VmState.ACTIVE), H2, options(o -> o.permitPostCopy = true));

    MoveView view = move.result();

    assertEquals(
        List.of("queued", "preparing", "running", "running-post-copy", "error"), statuses(view));
    verify(hv.get(H1), never()).powerOn(anyString()); // never restarted on the source
    verify(hv.get(H2), never()).remove(anyString(), anyLong());
    verify(hostRecords, never()).addCleanup(anyString(), any()); // the source answered: kept paused
    verify(placement).swap(consumer(move), "instance:" + move.instanceId);
    MoveOutcome out = move.closed();
    assertEquals(H2, out.host());
    assertEquals(EPOCH + 1, out.epoch());
    assertEquals(VmState.ERROR, out.vmState());
  }

  @Test
  void aSourceDyingInPostCopyPutsItsCopyOnItsCleanupList() {
    job =
        (r, ctx) -> {
          signalStarted(ctx);
          signal(ctx, LiveMigrationWorkflow.POST_COPY_STARTED_SIGNAL, "force-complete");
          throw new IllegalStateException("source gone");
        };
    sourceDiesWhenTheJobIsSettled();
    Move move = start(instance(VmState.ACTIVE), H2, options(o -> o.permitPostCopy = true));

    assertEquals("error", move.result().status());
    verify(live.get(H1)).settleJob(move.instanceId, false); // never abort in post-copy
    kit.verifyTheSourceOwesItsStaleCopy();
    MoveOutcome out = move.closed();
    assertEquals(H2, out.host());
    assertEquals(VmState.ERROR, out.vmState());
  }

  @Test
  void aSourcePausedPastThePointOfNoReturnIsNeverResumed() {
    job =
        (r, ctx) -> {
          signalStarted(ctx);
          signal(ctx, LiveMigrationWorkflow.POST_COPY_STARTED_SIGNAL, "force-complete");
          // libvirt reports a plain pause (no post-copy reason): post-copy had started all the same
          return outcome(Result.FAILED, SourceState.PAUSED, true, null, "connection reset");
        };
    Move move = start(instance(VmState.ACTIVE), H2, options(o -> o.permitPostCopy = true));

    MoveView view = move.result();

    assertEquals(
        List.of("queued", "preparing", "running", "running-post-copy", "error"), statuses(view));
    verify(hv.get(H1), never()).powerOn(anyString()); // its memory is split: never resumed
    verify(hv.get(H1), never()).remove(anyString(), anyLong());
    verify(hv.get(H2), never()).remove(anyString(), anyLong()); // the destination holds the guest
    verify(hostRecords, never()).addCleanup(anyString(), any()); // the source answered
    MoveOutcome out = move.closed();
    assertEquals(H2, out.host());
    assertEquals(EPOCH + 1, out.epoch());
    assertEquals(VmState.ERROR, out.vmState());
    assertReplays(move);
  }

  @Test
  void aSourceLostDuringThePostCopyResumeOwesItsPausedCopy() {
    job =
        (r, ctx) -> {
          if (!r.resumePostCopy()) {
            return postCopyFailsAfterStarting(ctx);
          }
          // the source host goes away while the resume runs: its record says DOWN
          downHosts.add(H1);
          throw ApplicationFailure.newNonRetryableFailure("connection to h1 lost", "X");
        };
    Move move = start(instance(VmState.ACTIVE), H2, options(o -> o.permitPostCopy = true));

    MoveView view = move.result();

    assertEquals(
        List.of("queued", "preparing", "running", "running-post-copy", "error"), statuses(view));
    assertTrue(view.error().contains("post-copy resume failed"), view.error());
    verify(hostRecords, times(1))
        .addCleanup(
            eq(H1),
            argThat(
                (CleanupItem c) ->
                    c.kind() == CleanupItem.Kind.REMOVE_STALE_DOMAIN
                        && c.epochAtMost() == EPOCH
                        && c.instanceId().equals(move.instanceId)));
    verify(hv.get(H1), never()).powerOn(anyString());
    verify(hv.get(H2), never()).remove(anyString(), anyLong());
    MoveOutcome out = move.closed();
    assertEquals(H2, out.host());
    assertEquals(VmState.ERROR, out.vmState());
    assertReplays(move);
  }

  @Test
  void aFailedPostStepAtTheDestinationEndsInErrorWithTheRecordThere() {
    when(live.get(H2).finishAtDestination(anyString(), anyLong()))
        .thenThrow(ApplicationFailure.newNonRetryableFailure("setMetadata failed", "X"));
    Move move = start(instance(VmState.ACTIVE), H2);

    MoveView view = move.result();

    assertEquals(
        List.of("queued", "preparing", "running", "post-migrating", "error"), statuses(view));
    verify(hv.get(H1)).remove(move.instanceId, EPOCH); // the source is cleaned up all the same
    verify(placement).swap(consumer(move), "instance:" + move.instanceId);
    MoveOutcome out = move.closed();
    assertEquals(H2, out.host());
    assertEquals(EPOCH + 1, out.epoch());
    assertEquals(VmState.ACTIVE, out.vmState()); // the guest runs: only the tag is old
  }

  @Test
  void aSourceDeadAfterSwitchoverOwesItsStaleCopy() {
    job = startsThen(outcome(Result.COMPLETED, SourceState.GONE, false, null));
    when(live.get(H2).finishAtDestination(anyString(), anyLong()))
        .thenAnswer(
            inv -> {
              killAgentNow(H1);
              return new FinishedAtDestination(view(PowerState.RUNNING, DEST_XML), 1L, 1L);
            });
    Move move = start(instance(VmState.ACTIVE), H2);

    MoveView view = move.result();

    assertEquals("error", view.status());
    kit.verifyTheSourceOwesItsStaleCopy();
    MoveOutcome out = move.closed();
    assertEquals(H2, out.host());
    assertEquals(VmState.ACTIVE, out.vmState());
  }

  @Test
  void aDestinationDeadDuringPreparationOwesTheRollback() {
    diskIsHostLocal();
    when(hostRecords.acquireSlot(anyString(), anyString()))
        .thenAnswer(
            inv -> {
              killAgentNow(H2); // dies right after the checks: pre_live_migration is never taken
              return true;
            });
    Move move = start(instance(VmState.ACTIVE), H2);

    MoveView view = move.result();

    assertEquals(List.of("queued", "preparing", "error"), statuses(view));
    verify(hostRecords)
        .addCleanup(
            eq(H2),
            argThat(
                (CleanupItem c) ->
                    c.kind() == CleanupItem.Kind.REMOVE_DOMAIN_AND_DISK
                        && c.epochAtMost() == EPOCH + 1));
    verify(live.get(H1), never()).migrate(any());
    MoveOutcome out = move.closed();
    assertEquals(H1, out.host());
    assertEquals(VmState.ACTIVE, out.vmState());
  }

  @Test
  void aFailedClaimSwapEndsInError() {
    doThrow(ApplicationFailure.newNonRetryableFailure("placement refused", "X"))
        .when(placement)
        .swap(anyString(), anyString());
    Move move = start(instance(VmState.ACTIVE), H2);

    assertEquals(
        List.of("queued", "preparing", "running", "post-migrating", "error"),
        statuses(move.result()));
    verify(hostRecords).releaseSlot(H1, move.moveId);
    assertEquals(H2, move.closed().host());
  }

  // ---- harness -------------------------------------------------------------------------------

  /** A started live migration with its parent. */
  private final class Move extends MoveHandle<LiveMigrationWorkflow> {
    Move(String moveId, String instanceId) {
      super(client, LiveMigrationWorkflow.class, moveId, instanceId, COVERAGE::walked);
    }
  }

  /** Mutable request options for a test. */
  private static final class Opts {
    BlockMigration block;
    Long maxDowntimeMs;
    Long perGiB;
    TimeoutAction timeoutAction;
    Boolean permitPostCopy;
    Integer maxRetries;
    Long queueTimeoutSeconds;
  }

  private static LiveMigrationOptions options(java.util.function.Consumer<Opts> edit) {
    Opts o = new Opts();
    edit.accept(o);
    return new LiveMigrationOptions(
        o.block,
        null,
        o.maxDowntimeMs,
        o.perGiB,
        o.timeoutAction,
        null,
        null,
        o.permitPostCopy,
        o.maxRetries,
        o.queueTimeoutSeconds);
  }

  private Move start(InstanceRecord rec, String destHost) {
    return start(rec, destHost, LiveMigrationOptions.NONE);
  }

  private Move start(InstanceRecord rec, String destHost, LiveMigrationOptions options) {
    String moveId = UUID.randomUUID().toString();
    kit.startMove(
        LiveMigrationWorkflow.class,
        rec,
        new MoveRequest(
            moveId, MoveType.LIVE_MIGRATION, rec.id, destHost, null, null, "test", null, options));
    return new Move(moveId, rec.id);
  }

  private void startAgent(String host) {
    HypervisorActivities hypervisor =
        mock(HypervisorActivities.class, withSettings().withoutAnnotations());
    when(hypervisor.inspect(anyString())).thenReturn(DomainView.absent("x"));
    when(hypervisor.remove(anyString(), anyLong())).thenReturn(DomainView.absent("x"));
    when(hypervisor.powerOn(anyString())).thenReturn(view(PowerState.RUNNING, OLD_XML));
    LiveMigrationHostActivities agent =
        mock(LiveMigrationHostActivities.class, withSettings().withoutAnnotations());
    when(agent.inspectSource(anyString())).thenAnswer(inv -> facts(false));
    when(agent.checkDestination(any()))
        .thenAnswer(
            inv -> {
              DestinationCheck check = inv.getArgument(0);
              List<String> probes =
                  check.probeDirs().stream()
                      .map(d -> d + "/.ferry-probe-" + check.moveId())
                      .toList();
              Map<String, Long> free = new java.util.HashMap<>();
              check.probeDirs().forEach(d -> free.put(d, 1L << 30));
              return new DestinationFacts("QEMU", QEMU_7_2, "identical", probes, free);
            });
    when(agent.probesSeen(anyList()))
        .thenAnswer(inv -> probesSeen ? inv.getArgument(0) : List.of());
    when(agent.prepareDestination(any())).thenReturn(List.of());
    when(agent.migrate(any()))
        .thenAnswer(
            inv -> {
              JobRequest r = inv.getArgument(0);
              jobRequests.add(r);
              return job.run(r, Activity.getExecutionContext());
            });
    when(agent.forceComplete(anyString(), anyBoolean())).thenReturn("suspend");
    when(agent.settleJob(anyString(), anyBoolean()))
        .thenReturn(outcome(Result.NO_JOB, SourceState.RUNNING, false, null));
    when(agent.finishAtDestination(anyString(), anyLong()))
        .thenReturn(new FinishedAtDestination(view(PowerState.RUNNING, DEST_XML), 640L, 35L));
    hv.put(host, hypervisor);
    live.put(host, agent);
    kit.startAgent(host, hypervisor, agent);
  }

  private void killAgentNow(String host) throws InterruptedException {
    kit.killAgent(host);
  }

  /** The guest's disk is local to the source: the destination's probe is not seen there. */
  private void diskIsHostLocal() {
    sourceDisks = List.of(disk(LOCAL_DISK));
    probesSeen = false;
  }

  /** The source's force-complete answers {@code how}; the flag says it was asked. */
  private AtomicBoolean forceCompleteAnswers(String how) {
    AtomicBoolean forced = new AtomicBoolean();
    when(live.get(H1).forceComplete(anyString(), anyBoolean()))
        .thenAnswer(
            inv -> {
              forced.set(true);
              return how;
            });
    return forced;
  }

  /** Settling the job finds the source's agent gone, and its record DOWN. */
  private void sourceDiesWhenTheJobIsSettled() {
    when(live.get(H1).settleJob(anyString(), anyBoolean()))
        .thenAnswer(
            inv -> {
              downHosts.add(H1);
              throw ApplicationFailure.newNonRetryableFailure("agent gone", "X");
            });
  }

  private Claim claim(ClaimRequest r) {
    if (r.host() != null) {
      return new Claim(r.consumerId(), r.host(), r.resources());
    }
    for (String h : List.of(H2, H3)) {
      if (!r.excludeHosts().contains(h)) {
        return new Claim(r.consumerId(), h, r.resources());
      }
    }
    throw rejection(Reason.NO_VALID_HOST, "no valid host found (no other host is registered)");
  }

  private HostRecord hostRecord(String name) {
    if (!List.of(H1, H2, H3, DEAD).contains(name)) {
      throw rejection(Reason.UNKNOWN_HOST, "unknown host '" + name + "'");
    }
    HostRecord r = kit.hostRecord(name);
    r.enabled = !disabledHosts.contains(name);
    r.hypervisorType = types.getOrDefault(name, "QEMU");
    r.hypervisorVersion = versions.getOrDefault(name, QEMU_7_2);
    return r;
  }

  private SourceFacts facts(boolean jobActive) {
    return new SourceFacts(
        "QEMU",
        QEMU_7_2,
        9_000_000,
        "vm1",
        sourcePower,
        EPOCH,
        "qemu",
        "x86_64",
        "pc",
        "/usr/bin/qemu-system-x86_64",
        "<cpu mode='custom'><model>qemu64</model></cpu>",
        List.of(),
        List.of(),
        sourceDisks,
        128L << 20,
        jobActive);
  }

  private static DiskInfo disk(String path) {
    return new DiskInfo("vda", path, "qcow2", 64L << 20);
  }

  private static String probe(Move move) {
    return SHARED_DIR + "/.ferry-probe-" + move.moveId;
  }

  private static DomainView view(PowerState power, String xml) {
    return new DomainView(true, "x", "vm1", power, 1, 128, "x", EPOCH + 1, xml);
  }

  private static InstanceRecord instance(VmState vm) {
    return MoveTestKit.vm1(
        NANO,
        OLD_XML,
        vm,
        vm == VmState.PAUSED
            ? PowerState.PAUSED
            : vm == VmState.STOPPED ? PowerState.SHUTDOWN : PowerState.RUNNING);
  }

  // ---- job scripts ---------------------------------------------------------------------------

  private JobScript completes() {
    return (r, ctx) -> {
      ctx.heartbeat(JobProgress.starting(System.currentTimeMillis(), "test"));
      signalStarted(ctx);
      libvirtMigrations.incrementAndGet();
      return outcome(Result.COMPLETED, SourceState.GONE, false, null);
    };
  }

  /** Heartbeats until cancelled (then answers {@code onCancel} as the real job does). */
  private JobScript runsUntilCancelled(Result onCancel, SourceState source) {
    return (r, ctx) -> {
      signalStarted(ctx);
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline) {
        try {
          ctx.heartbeat(JobProgress.starting(0, "running").withPhase("running", null));
        } catch (ActivityCanceledException e) {
          return outcome(onCancel, source, false, null, "canceled by client");
        }
        Thread.sleep(100);
      }
      throw new AssertionError("never cancelled");
    };
  }

  private JobScript runsUntil(AtomicBoolean flag, JobOutcome then) {
    return (r, ctx) -> {
      signalStarted(ctx);
      long deadline = System.currentTimeMillis() + 30_000;
      while (!flag.get() && System.currentTimeMillis() < deadline) {
        ctx.heartbeat(JobProgress.starting(0, "running"));
        Thread.sleep(100);
      }
      return then;
    };
  }

  /** Signals the job started, then ends it as {@code then}. */
  private JobScript startsThen(JobOutcome then) {
    return (r, ctx) -> {
      signalStarted(ctx);
      return then;
    };
  }

  /** The job starts, switches to post-copy (its timeout action), and the post-copy fails. */
  private JobOutcome postCopyFailsAfterStarting(ActivityExecutionContext ctx) {
    signalStarted(ctx);
    signal(ctx, LiveMigrationWorkflow.POST_COPY_STARTED_SIGNAL, "timeout-action");
    return outcome(Result.POST_COPY_FAILED, SourceState.POST_COPY_FAILED, true, null, "link down");
  }

  private void signalStarted(ActivityExecutionContext ctx) {
    signal(ctx, LiveMigrationWorkflow.JOB_STARTED_SIGNAL, JobProgress.starting(0, "test"));
  }

  private void signal(ActivityExecutionContext ctx, String name, Object arg) {
    client.newUntypedWorkflowStub(ctx.getInfo().getWorkflowId()).signal(name, arg);
  }

  private static JobOutcome outcome(Result r, SourceState s, boolean postCopy, String forced) {
    return outcome(r, s, postCopy, forced, null);
  }

  private static JobOutcome outcome(
      Result r, SourceState s, boolean postCopy, String forced, String message) {
    return new JobOutcome(r, s, message, 600, postCopy, forced, null);
  }

  // ---- assertions ----------------------------------------------------------------------------

  /** Refused in QUEUED with its typed reason; no host work beyond the checks, no slot. */
  private void assertRejected(Move move, Reason reason, String text) {
    MoveView view = move.result();
    assertEquals(List.of("queued", "failed"), statuses(view));
    LiveMigrationView lv = move.stub.live();
    assertEquals(reason.name(), lv.rejection(), lv.error());
    assertFalse(lv.checksPassed());
    assertTrue(lv.error().contains(text), lv.error());
    for (String h : List.of(H1, H2, H3)) {
      verify(live.get(h), never()).prepareDestination(any());
      verify(live.get(h), never()).migrate(any());
      verify(hv.get(h), never()).remove(anyString(), anyLong());
      verify(hv.get(h), never()).powerOn(anyString());
    }
    verify(hostRecords, never()).acquireSlot(anyString(), anyString());
    verify(placement, never()).swap(anyString(), anyString());
    MoveOutcome out = move.closed();
    assertFalse(out.succeeded());
    assertEquals("failed", out.status());
    assertEquals(H1, out.host());
    assertEquals(EPOCH, out.epoch());
    assertEquals(move.stub.live().error(), out.error());
  }

  private static FerryRejection rejectionOf(Runnable update) {
    RuntimeException e = assertThrows(RuntimeException.class, update::run);
    return FerryRejection.from(e).orElseThrow(() -> new AssertionError("not a rejection", e));
  }

  private static ApplicationFailure rejection(Reason reason, String message) {
    return new FerryRejection(reason, message).toFailure();
  }

  private static MoveProgress p(Move move, String status, VmState vm, TaskState task) {
    return new MoveProgress(move.moveId, status, vm, task, null);
  }

  private static MoveProgress strip(MoveProgress p) {
    return new MoveProgress(p.moveId(), p.status(), p.vmState(), p.taskState(), null);
  }

  private static List<String> statuses(MoveView view) {
    return view.log().stream().map(c -> LiveMigrationStatus.valueOf(c.to()).novaName()).toList();
  }

  private static String consumer(Move move) {
    return "move:" + move.moveId;
  }

  private void assertReplays(Move move) {
    kit.assertReplays(move.workflowId, LiveMigrationWorkflowImpl.class);
  }
}
