package dev.ferry.evacuate;

import static dev.ferry.evacuate.EvacuationWorkflowTest.eventually;
import static dev.ferry.evacuate.EvacuationWorkflowTest.tolerantJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.ferry.entities.HostRecordActivities;
import dev.ferry.entities.PlacementActivities;
import dev.ferry.entities.WorkflowInspectionActivities;
import dev.ferry.evacuate.HostMoveItem.State;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.instance.InstanceWorkflowImpl;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.Flavors;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import dev.ferry.model.VmState;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * HostEvacuationWorkflow and HostDrainWorkflow against Temporal's test server, with the real
 * InstanceWorkflow (the lock, startMove's idempotency) and test-only moves ({@link FakeMoves}). The
 * conductor is its own worker factory so a test can kill it and start it again.
 */
@Timeout(value = 90, threadMode = ThreadMode.SEPARATE_THREAD)
class HostDrainAndEvacuationTest {

  private static final String H1 = "h1";
  private static final Duration HEARTBEAT = Duration.ofSeconds(2);

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private HostRecordActivities hostRecords;
  private PlacementActivities placement;
  private WorkflowInspectionActivities inspection;
  private TestHostMoves hostMoves;
  private WorkerFactory conductor;
  private final Set<String> upHosts = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void setUp() {
    FakeMoves.reset();
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder().setDataConverter(tolerantJson()).build())
                .build());
    env.start();
    client = env.getWorkflowClient();
    hostRecords = mock(HostRecordActivities.class, withSettings().withoutAnnotations());
    placement = mock(PlacementActivities.class, withSettings().withoutAnnotations());
    inspection = mock(WorkflowInspectionActivities.class, withSettings().withoutAnnotations());
    when(hostRecords.get(anyString())).thenAnswer(inv -> hostRecord(inv.getArgument(0)));
    hostMoves = new TestHostMoves(client);
    startConductor();
  }

  @AfterEach
  void tearDown() {
    conductor.shutdownNow();
    env.close();
  }

  private void startConductor() {
    conductor = WorkerFactory.newInstance(client);
    var worker =
        conductor.newWorker(
            Names.CONDUCTOR_QUEUE,
            WorkerOptions.newBuilder().setStickyQueueScheduleToStartTimeout(Duration.ZERO).build());
    worker.registerWorkflowImplementationTypes(
        InstanceWorkflowImpl.class,
        FakeMoves.EvacuationImpl.class,
        FakeMoves.LiveMigrationImpl.class);
    worker.registerWorkflowImplementationFactory(
        HostEvacuationWorkflow.class, () -> new HostEvacuationWorkflowImpl(HEARTBEAT));
    worker.registerWorkflowImplementationFactory(
        HostDrainWorkflow.class, () -> new HostDrainWorkflowImpl(HEARTBEAT));
    worker.registerActivitiesImplementations(hostRecords, placement, inspection, hostMoves);
    conductor.start();
  }

  private void killConductor() throws InterruptedException {
    conductor.shutdownNow();
    conductor.awaitTermination(10, TimeUnit.SECONDS);
  }

  // ---- host evacuation -----------------------------------------------------------------------

  @Test
  void evacuationIsRefusedWhileTheHostIsUpAndNothingIsStarted() {
    upHosts.add(H1);
    String a = startInstance("a", VmState.ACTIVE);

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> evacuateHost(2).result());

    FerryRejection r = FerryRejection.from(e).orElseThrow(() -> new AssertionError(e));
    assertEquals(FerryRejection.Reason.HOST_IN_USE, r.reason());
    assertTrue(r.getMessage().contains("host h1 is UP and not forced down"), r.getMessage());
    assertEquals(List.of(), hostMoves.calls);
    assertTrue(FakeMoves.STARTS.isEmpty());
    assertFalse(instance(a).get().isBusy());
  }

  @Test
  void neverMoreThanNInFlightAndEveryInstanceMovedOnce() {
    List<String> ids = new ArrayList<>();
    for (String name : List.of("a", "b", "c", "d", "e")) {
      ids.add(startInstance(name, VmState.ACTIVE));
    }
    String skipped = startInstance("f", VmState.RESIZED); // a resize awaits its decision
    Run run = evacuateHost(2);

    finishAll(run, 5, 2);

    HostMovesView view = run.result();
    assertEquals("done", view.status());
    assertEquals(5, view.done());
    assertEquals(1, view.skipped());
    assertEquals(0, view.failed());
    assertTrue(FakeMoves.MAX_IN_FLIGHT.get() <= 2, "max in flight " + FakeMoves.MAX_IN_FLIGHT);
    assertEquals(2, FakeMoves.MAX_IN_FLIGHT.get());
    assertEveryMoveStartedOnce(ids);
    assertTrue(FakeMoves.TYPES.stream().allMatch(t -> t == MoveType.EVACUATION));
    for (String id : ids) {
      InstanceRecord r = instance(id).get();
      assertEquals("h2", r.host);
      assertEquals(1, r.moves.size());
      assertEquals("done", r.moves.get(0).status());
    }
    HostMoveItem f =
        view.items().stream().filter(i -> i.instanceId.equals(skipped)).findFirst().orElseThrow();
    assertEquals(State.SKIPPED, f.state);
    assertTrue(f.detail.contains("only ACTIVE, STOPPED or ERROR"), f.detail);
    assertReplays(run.workflowId, HostEvacuationWorkflowImpl.class);
  }

  @Test
  void aConductorKillNeitherLosesNorDuplicatesMoves() throws Exception {
    List<String> ids = new ArrayList<>();
    for (String name : List.of("a", "b", "c", "d")) {
      ids.add(startInstance(name, VmState.ACTIVE));
    }
    Run run = evacuateHost(2);
    eventually(() -> assertEquals(2, FakeMoves.RUNNING.size()));
    Thread.sleep(300); // the parent is in its long poll now

    killConductor();
    startConductor();

    finishAll(run, 4, 2);
    HostMovesView view = run.result();
    assertEquals("done", view.status());
    assertEquals(4, view.done());
    assertTrue(FakeMoves.MAX_IN_FLIGHT.get() <= 2, "max in flight " + FakeMoves.MAX_IN_FLIGHT);
    assertEveryMoveStartedOnce(ids);
    for (String id : ids) {
      assertEquals(1, instance(id).get().moves.size(), "moves of " + id);
    }
    assertReplays(run.workflowId, HostEvacuationWorkflowImpl.class);
  }

  @Test
  void theSameRunAsksForTheSameMoveIds() {
    String a = startInstance("a", VmState.ACTIVE);
    FakeMoves.autoFinish = true;
    Run run = evacuateHost(1);
    HostMovesView view = run.result();

    String runId =
        client.newUntypedWorkflowStub(run.workflowId).describe().getExecution().getRunId();
    String expected =
        UUID.nameUUIDFromBytes((run.workflowId + "/" + runId + "/" + a).getBytes()).toString();
    assertEquals(expected, view.items().get(0).moveId);
    assertEquals(expected, instance(a).get().moves.get(0).moveId());
  }

  @Test
  void aBusyInstanceFailsItsItemAndTheRunIsPartial() {
    String a = startInstance("a", VmState.ACTIVE);
    InstanceRecord busy = record("b", VmState.ACTIVE);
    busy.currentMoveId = "someone-elses-resize";
    busy.currentMoveType = MoveType.RESIZE;
    String b = startInstance(busy);
    FakeMoves.autoFinish = true;

    HostMovesView view = evacuateHost(2).result();

    assertEquals("partial", view.status());
    assertEquals(1, view.done());
    assertEquals(1, view.failed());
    HostMoveItem item =
        view.items().stream().filter(i -> i.instanceId.equals(b)).findFirst().orElseThrow();
    assertTrue(item.detail.startsWith("INSTANCE_BUSY"), item.detail);
    assertEquals("h2", instance(a).get().host);
  }

  @Test
  void aMoveThatEndsInErrorFailsItsItem() {
    String a = startInstance("a", VmState.ACTIVE);
    Run run = evacuateHost(1);
    eventually(() -> assertEquals(1, FakeMoves.RUNNING.size()));
    signalFinish(FakeMoves.RUNNING.iterator().next(), false);

    HostMovesView view = run.result();
    assertEquals("partial", view.status());
    assertEquals(State.FAILED, view.items().get(0).state);
    assertEquals("fake move failed", view.items().get(0).detail);
    assertEquals("h1", instance(a).get().host);
  }

  @Test
  void progressIsAQuery() {
    startInstance("a", VmState.ACTIVE);
    startInstance("b", VmState.ACTIVE);
    Run run = evacuateHost(1);
    eventually(() -> assertEquals(1, FakeMoves.RUNNING.size()));
    eventually(
        () -> {
          HostMovesView p = run.progress();
          assertEquals("running", p.status());
          assertEquals(1, p.running());
          assertEquals(1, p.pending());
        });
    finishAll(run, 2, 1);
    assertEquals("done", run.result().status());
    HostMovesView closed = run.progress(); // answers after the run closed too
    assertEquals("done", closed.status());
    assertEquals(2, closed.done());
  }

  // ---- host drain ----------------------------------------------------------------------------

  @Test
  void drainDisablesTheHostFirstThenLiveMigratesWhatCanLiveMigrate() {
    upHosts.add(H1);
    String a = startInstance("a", VmState.ACTIVE);
    String b = startInstance("b", VmState.STOPPED);
    String c = startInstance("c", VmState.PAUSED);
    FakeMoves.autoFinish = true;

    HostMovesView view = drainHost(1).result();

    assertEquals("done", view.status());
    assertEquals(2, view.done());
    assertEquals(1, view.skipped());
    assertEquals("disable h1: drained by alice (host-drain of h1)", hostMoves.calls.get(0));
    assertEquals("instancesOn h1", hostMoves.calls.get(1));
    assertEquals(
        List.of("startMove " + a + " LIVE_MIGRATION", "startMove " + c + " LIVE_MIGRATION"),
        hostMoves.calls.subList(2, hostMoves.calls.size()));
    assertEquals(List.of(MoveType.LIVE_MIGRATION, MoveType.LIVE_MIGRATION), FakeMoves.TYPES);
    HostMoveItem stopped =
        view.items().stream().filter(i -> i.instanceId.equals(b)).findFirst().orElseThrow();
    assertEquals(State.SKIPPED, stopped.state);
    assertTrue(stopped.detail.contains("ferry migrate b"), stopped.detail);
    assertEquals("h1", instance(b).get().host);
    assertEquals("h2", instance(a).get().host);
  }

  @Test
  void drainRespectsItsConcurrencyLimit() {
    upHosts.add(H1);
    List<String> ids = new ArrayList<>();
    for (String name : List.of("a", "b", "c")) {
      ids.add(startInstance(name, VmState.ACTIVE));
    }
    Run run = drainHost(1);
    finishAll(run, 3, 1);
    assertEquals("done", run.result().status());
    assertEquals(1, FakeMoves.MAX_IN_FLIGHT.get());
    assertEveryMoveStartedOnce(ids);
    assertReplays(run.workflowId, HostDrainWorkflowImpl.class);
  }

  @Test
  void drainIsRefusedForADownHostWithoutDisablingIt() {
    startInstance("a", VmState.ACTIVE);

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> drainHost(1).result());

    FerryRejection r = FerryRejection.from(e).orElseThrow(() -> new AssertionError(e));
    assertEquals(FerryRejection.Reason.HOST_UNAVAILABLE, r.reason());
    assertTrue(r.getMessage().contains("ferry host evacuate h1"), r.getMessage());
    assertEquals(List.of(), hostMoves.calls);
  }

  // ---- harness -------------------------------------------------------------------------------

  /** A started host evacuation or drain. */
  private final class Run {
    final String workflowId;

    Run(String workflowId) {
      this.workflowId = workflowId;
    }

    HostMovesView result() {
      return client.newUntypedWorkflowStub(workflowId).getResult(HostMovesView.class);
    }

    HostMovesView progress() {
      return client.newUntypedWorkflowStub(workflowId).query("progress", HostMovesView.class);
    }
  }

  private Run evacuateHost(int concurrency) {
    String id = HostMoves.evacuationWorkflowId(H1);
    HostEvacuationWorkflow stub =
        client.newWorkflowStub(
            HostEvacuationWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(Names.CONDUCTOR_QUEUE)
                .build());
    WorkflowClient.start(
        stub::run, new HostMovesInput(H1, concurrency, "alice", FenceMethods.CONFIRMED_OFF));
    return new Run(id);
  }

  private Run drainHost(int concurrency) {
    String id = HostMoves.drainWorkflowId(H1);
    HostDrainWorkflow stub =
        client.newWorkflowStub(
            HostDrainWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(Names.CONDUCTOR_QUEUE)
                .build());
    WorkflowClient.start(stub::run, new HostMovesInput(H1, concurrency, "alice", null));
    return new Run(id);
  }

  /**
   * Finishes the running moves one at a time until {@code total} have finished, checking at every
   * step that no more than {@code limit} are in flight.
   */
  private void finishAll(Run run, int total, int limit) {
    AtomicInteger finished = new AtomicInteger();
    while (finished.get() < total) {
      int expected = Math.min(limit, total - finished.get());
      eventually(() -> assertEquals(expected, FakeMoves.RUNNING.size(), "moves in flight"));
      assertTrue(FakeMoves.RUNNING.size() <= limit);
      String next = FakeMoves.RUNNING.stream().sorted().findFirst().orElseThrow();
      signalFinish(next, true);
      eventually(() -> assertFalse(FakeMoves.RUNNING.contains(next)));
      finished.incrementAndGet();
    }
  }

  private void signalFinish(String moveWorkflowId, boolean ok) {
    client.newUntypedWorkflowStub(moveWorkflowId).signal("finish", ok);
  }

  private void assertEveryMoveStartedOnce(List<String> instanceIds) {
    assertEquals(instanceIds.size(), FakeMoves.STARTS.size(), FakeMoves.STARTS.toString());
    FakeMoves.STARTS.forEach((id, n) -> assertEquals(1, n.get(), id + " started " + n + " times"));
  }

  private String startInstance(String name, VmState vm) {
    return startInstance(record(name, vm));
  }

  private String startInstance(InstanceRecord r) {
    InstanceWorkflow stub =
        client.newWorkflowStub(
            InstanceWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(Names.instanceWorkflowId(r.id))
                .setTaskQueue(Names.CONDUCTOR_QUEUE)
                .build());
    WorkflowClient.start(stub::run, r);
    hostMoves.instanceIds.add(r.id);
    return r.id;
  }

  private static InstanceRecord record(String name, VmState vm) {
    InstanceRecord r = new InstanceRecord();
    r.id = UUID.randomUUID().toString();
    r.name = name;
    r.flavor = Flavors.require("t1.nano");
    r.host = H1;
    r.domainXml = "<domain/>";
    r.vmState = vm;
    r.powerState = PowerState.RUNNING;
    r.epoch = 1;
    return r;
  }

  private InstanceWorkflow instance(String id) {
    return client.newWorkflowStub(InstanceWorkflow.class, Names.instanceWorkflowId(id));
  }

  private HostRecord hostRecord(String name) {
    HostRecord r = new HostRecord();
    r.name = name;
    r.status = upHosts.contains(name) ? HostStatus.UP : HostStatus.DOWN;
    return r;
  }

  private void assertReplays(String workflowId, Class<?> impl) {
    TestWorkflowEnvironment replayEnv =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder().setDataConverter(tolerantJson()).build())
                .build());
    try {
      WorkflowReplayer.replayWorkflowExecution(client.fetchHistory(workflowId), replayEnv, impl);
    } catch (Exception e) {
      throw new AssertionError("replay of " + workflowId + " failed", e);
    } finally {
      replayEnv.close();
    }
  }
}
