package dev.ferry.evacuate;

import static dev.ferry.testing.FerryTestEnv.eventually;
import static java.util.stream.Collectors.toSet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.when;

import com.google.protobuf.util.Timestamps;
import dev.ferry.entities.Entities;
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
import dev.ferry.testing.MoveTestKit;
import dev.ferry.testing.RecordUnitCorpus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
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
@RecordUnitCorpus({
  HostEvacuationWorkflowImpl.class,
  HostDrainWorkflowImpl.class,
  InstanceWorkflowImpl.class
})
class HostDrainAndEvacuationTest {

  private static final String H1 = "h1";
  private static final Duration HEARTBEAT = Duration.ofSeconds(2);

  private final MoveTestKit kit = new MoveTestKit();
  private final WorkflowClient client = kit.client;
  private final TestHostMoves hostMoves = new TestHostMoves(client);
  private WorkerFactory conductor;
  private final Set<String> upHosts = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void setUp() {
    FakeMoves.reset();
    kit.start();
    when(kit.hostRecords.get(anyString())).thenAnswer(inv -> hostRecord(inv.getArgument(0)));
    startConductor();
  }

  @AfterEach
  void tearDown() {
    conductor.shutdownNow();
    kit.close();
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
    worker.registerActivitiesImplementations(
        kit.hostRecords, kit.placement, kit.inspection, kit.preflight, hostMoves);
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
    String paused = startInstance("g", VmState.PAUSED);
    Run run = evacuateHost(2);

    finishAll(run, 5, 2);

    HostMovesView view = run.result();
    assertEquals("done", view.status());
    assertEquals(5, view.done());
    assertEquals(2, view.skipped());
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
    HostMoveItem g =
        view.items().stream().filter(i -> i.instanceId.equals(paused)).findFirst().orElseThrow();
    assertEquals(State.SKIPPED, g.state);
    assertTrue(
        g.detail.startsWith("server is PAUSED: a paused or suspended server is not evacuated"),
        g.detail);
    kit.assertReplays(run.workflowId, HostEvacuationWorkflowImpl.class);
  }

  /** Nova's host-evacuate --target_host: every evacuation is asked to rebuild on that host. */
  @Test
  void aTargetHostIsPassedToEveryEvacuation() {
    List<String> ids = new ArrayList<>();
    for (String name : List.of("a", "b")) {
      ids.add(startInstance(name, VmState.ACTIVE));
    }
    Run run =
        evacuateHost(new HostMovesInput(H1, 2, "alice", FenceMethods.CONFIRMED_OFF).toHost("h2"));

    finishAll(run, 2, 2);

    assertEquals("done", run.result().status());
    assertEquals(2, hostMoves.requests.size(), hostMoves.requests::toString);
    assertTrue(
        hostMoves.requests.stream().allMatch(r -> "h2".equals(r.destHost())),
        hostMoves.requests::toString);
    assertEveryMoveStartedOnce(ids);
    kit.assertReplays(run.workflowId, HostEvacuationWorkflowImpl.class);
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
    kit.assertReplays(run.workflowId, HostEvacuationWorkflowImpl.class);
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

  // ---- the long run and the deadline (HostMovesRun, shared by both kinds) --------------------

  /**
   * Enough instances at --concurrency 1 that the history passes {@link
   * Entities#MAX_HISTORY_EVENTS}: the run continues as new between two moves, carries its plan and
   * its move ids into the next run, and asks for no move twice.
   */
  @Test
  void aLongRunContinuesAsNewBetweenMovesAndStartsEveryMoveOnce() {
    int n = 40; // ~12 events a move at concurrency 1: two runs or more
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(startInstance(String.format("vm%02d", i), VmState.ACTIVE));
    }
    Run run = evacuateHost(1);

    Set<String> queriedRuns = new LinkedHashSet<>();
    for (int i = 1; i <= n; i++) {
      eventually(() -> assertEquals(1, FakeMoves.RUNNING.size(), "moves in flight"));
      String next = FakeMoves.RUNNING.iterator().next();
      signalFinish(next, true);
      int done = i;
      eventually(
          () -> {
            HostMovesView p = run.progress(); // whichever run the id points at now
            assertEquals(done, p.done(), "done after " + done + " finished");
            assertEquals(n, p.items().size());
            assertEquals(n - done, p.pending() + p.running());
            assertEquals(0, p.failed());
          });
      queriedRuns.add(run.currentRunId());
    }

    HostMovesView view = run.result();
    assertEquals("done", view.status());
    assertEquals(n, view.done());
    assertEquals(0, view.pending() + view.running() + view.failed() + view.skipped());
    assertEquals(n, view.items().size());
    assertEquals(Set.copyOf(ids), view.items().stream().map(i -> i.instanceId).collect(toSet()));

    List<String> runIds = run.runIds();
    assertTrue(runIds.size() >= 2, "never continued as new: " + runIds);
    assertEquals(run.firstRunId, runIds.get(0)); // the second run's start names the first
    assertTrue(queriedRuns.size() >= 2, "progress answered in one run only: " + queriedRuns);
    for (String runId : runIds.subList(0, runIds.size() - 1)) {
      int events = client.fetchHistory(run.workflowId, runId).getEvents().size();
      assertTrue(
          events >= Entities.MAX_HISTORY_EVENTS && events < Entities.MAX_HISTORY_EVENTS + 30,
          "run " + runId + " continued as new at " + events + " events");
    }

    // The move ids derive from the FIRST run's id in every run: the same move, never a second.
    for (HostMoveItem item : view.items()) {
      String expected =
          UUID.nameUUIDFromBytes(
                  (run.workflowId + "/" + run.firstRunId + "/" + item.instanceId).getBytes())
              .toString();
      assertEquals(expected, item.moveId, "move id of " + item.name);
      assertEquals(State.DONE, item.state, item.name);
      assertEquals("on h2", item.detail, item.name);
      InstanceRecord r = instance(item.instanceId).get();
      assertEquals("h2", r.host);
      assertEquals(List.of(expected), r.moves.stream().map(m -> m.moveId()).toList());
    }
    assertEveryMoveStartedOnce(ids);
    assertEquals(n, hostMoves.calls.stream().filter(c -> c.startsWith("startMove")).count());
    assertEquals(1, hostMoves.calls.stream().filter(c -> c.startsWith("instancesOn")).count());

    // A continued run still answers the query, with the plan as it handed it on.
    HostMovesView handedOn =
        client
            .newUntypedWorkflowStub(run.workflowId, Optional.of(run.firstRunId), Optional.empty())
            .query("progress", HostMovesView.class);
    assertEquals("running", handedOn.status());
    assertEquals(0, handedOn.running());
    assertTrue(handedOn.pending() > 0 && handedOn.done() > 0, handedOn.toString());
    assertEquals(n, handedOn.pending() + handedOn.done());
    for (String runId : runIds) {
      kit.assertReplays(run.workflowId, runId, HostEvacuationWorkflowImpl.class);
    }
  }

  /**
   * A move that never finishes: at the run's deadline the run stops awaiting it (it goes on), fails
   * what was not started without starting it, and returns.
   */
  @Test
  void atTheDeadlineTheRunStopsAwaitingAndStartsNothingMore() {
    upHosts.add(H1);
    String a = startInstance("a", VmState.ACTIVE);
    String b = startInstance("b", VmState.ACTIVE);
    String c = startInstance("c", VmState.PAUSED);
    long timeoutSeconds = 4; // real seconds: the long poll in flight holds the test clock
    Run run = drainHost(new HostMovesInput(H1, 1, "alice", null, timeoutSeconds, null));
    eventually(() -> assertEquals(1, FakeMoves.RUNNING.size()));
    String aMove = FakeMoves.RUNNING.iterator().next();

    HostMovesView view = run.result(); // must not wait for the move

    assertEquals("timed-out", view.status());
    assertEquals(0, view.running());
    assertEquals(0, view.pending());
    assertEquals(3, view.failed());
    HostMoveItem first = item(view, a);
    assertEquals(State.FAILED, first.state);
    assertEquals(
        "still " + first.moveStatus + " at the deadline: no longer awaited (it goes on)",
        first.detail);
    assertTrue(first.moveStatus != null && !first.moveStatus.isBlank(), first.detail);
    long runStarted =
        Timestamps.toMillis(client.fetchHistory(run.workflowId).getEvents().get(0).getEventTime());
    long deadline = runStarted + timeoutSeconds * 1000; // at the earliest (the run's first task)
    assertTrue(
        first.endedAtMillis >= deadline && first.endedAtMillis < deadline + 5_000,
        "given up " + (first.endedAtMillis - runStarted) + " ms after the run started");
    for (String id : List.of(b, c)) {
      HostMoveItem item = item(view, id);
      assertEquals(State.FAILED, item.state);
      assertEquals("not started before the deadline", item.detail);
      assertEquals(0, item.startedAtMillis);
      assertEquals(first.endedAtMillis, item.endedAtMillis);
      assertFalse(instance(id).get().isBusy(), "instance " + item.name + " is busy");
      assertEquals("h1", instance(id).get().host);
    }
    // Nothing was asked of b or c: a's move is the only one ever started, and it goes on.
    assertEquals(
        List.of("startMove " + a + " LIVE_MIGRATION"),
        hostMoves.calls.stream().filter(s -> s.startsWith("startMove")).toList());
    assertEquals(Set.of(aMove), FakeMoves.STARTS.keySet());
    assertEquals(Set.of(aMove), FakeMoves.RUNNING);
    assertTrue(instance(a).get().isBusy());
    assertEquals("timed-out", run.progress().status());
    kit.assertReplays(run.workflowId, HostDrainWorkflowImpl.class);
  }

  /**
   * The poll that is out when the deadline passes answers with a closed move AFTER the deadline
   * (made certain here by killing the conductor across it). The freed slot must not start the next
   * pending instance: the deadline says it was not started before it.
   */
  @Test
  void aSlotFreedAfterTheDeadlineStartsNothing() throws Exception {
    String a = startInstance("a", VmState.ACTIVE);
    String b = startInstance("b", VmState.ACTIVE);
    long timeoutSeconds = 3;
    Run run =
        evacuateHost(
            new HostMovesInput(H1, 1, "alice", FenceMethods.CONFIRMED_OFF, timeoutSeconds, null));
    eventually(() -> assertEquals(1, FakeMoves.RUNNING.size()));
    String aMove = FakeMoves.RUNNING.iterator().next();
    Thread.sleep(300); // the parent is in its long poll now

    killConductor();
    Thread.sleep((timeoutSeconds + 1) * 1000); // the deadline passes, the poll still out
    signalFinish(aMove, true); // a's move closes after the deadline
    startConductor();

    HostMovesView view = run.result();
    assertEquals("timed-out", view.status());
    assertEquals(State.DONE, item(view, a).state);
    HostMoveItem second = item(view, b);
    assertEquals("not started before the deadline", second.detail);
    assertEquals(0, second.startedAtMillis);
    assertEquals(Set.of(aMove), FakeMoves.STARTS.keySet());
    assertFalse(instance(b).get().isBusy());
    kit.assertReplays(run.workflowId, HostEvacuationWorkflowImpl.class);
  }

  /**
   * At --concurrency 2 with moves that close one at a time a slot is refilled before the loop comes
   * round, so some move is always running: the run continues as new with its running moves carried
   * (their ids derive from the first run's), and no run's history grows past the bound.
   */
  @Test
  void atConcurrencyTwoTheRunContinuesAsNewCarryingItsRunningMoves() {
    int n = 40;
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(startInstance(String.format("vm%02d", i), VmState.ACTIVE));
    }
    Run run = evacuateHost(2);
    finishAll(run, n, 2);

    HostMovesView view = run.result();
    assertEquals("done", view.status());
    assertEquals(n, view.done());
    assertEveryMoveStartedOnce(ids);
    List<String> runs = run.runIds();
    assertTrue(runs.size() >= 2, "continued as new: " + runs);
    for (String runId : runs) {
      int events = client.fetchHistory(run.workflowId, runId).getEvents().size();
      assertTrue(
          events <= Entities.MAX_HISTORY_EVENTS + 30, "run " + runId + ": " + events + " events");
      kit.assertReplays(run.workflowId, runId, HostEvacuationWorkflowImpl.class);
    }
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
    kit.assertReplays(run.workflowId, HostDrainWorkflowImpl.class);
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

    /** The run the client started (a later one follows it after a continue-as-new). */
    final String firstRunId;

    Run(String workflowId, String firstRunId) {
      this.workflowId = workflowId;
      this.firstRunId = firstRunId;
    }

    /** The run the workflow id points at now. */
    String currentRunId() {
      return client.newUntypedWorkflowStub(workflowId).describe().getExecution().getRunId();
    }

    /**
     * Every run of this workflow id so far, first to last: back from the current run through each
     * run's start event, which names the run it continues. (Not forward through each run's last
     * event: the test server's continue-as-new is not atomic, sdk-java#1538, and a continued run's
     * own history sometimes lacks its closing WorkflowTaskCompleted + ContinuedAsNew events.)
     */
    List<String> runIds() {
      List<String> ids = new ArrayList<>();
      String runId = currentRunId();
      while (!runId.isEmpty()) {
        ids.add(0, runId);
        HistoryEvent start = client.fetchHistory(workflowId, runId).getEvents().get(0);
        runId = start.getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
      }
      return ids;
    }

    HostMovesView result() {
      return client.newUntypedWorkflowStub(workflowId).getResult(HostMovesView.class);
    }

    HostMovesView progress() {
      return client.newUntypedWorkflowStub(workflowId).query("progress", HostMovesView.class);
    }
  }

  private Run evacuateHost(int concurrency) {
    return evacuateHost(new HostMovesInput(H1, concurrency, "alice", FenceMethods.CONFIRMED_OFF));
  }

  private Run evacuateHost(HostMovesInput input) {
    String id = HostMoves.evacuationWorkflowId(H1);
    HostEvacuationWorkflow stub =
        client.newWorkflowStub(
            HostEvacuationWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(Names.CONDUCTOR_QUEUE)
                .build());
    return new Run(id, WorkflowClient.start(stub::run, input).getRunId());
  }

  private Run drainHost(int concurrency) {
    return drainHost(new HostMovesInput(H1, concurrency, "alice", null));
  }

  private Run drainHost(HostMovesInput input) {
    String id = HostMoves.drainWorkflowId(H1);
    HostDrainWorkflow stub =
        client.newWorkflowStub(
            HostDrainWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(Names.CONDUCTOR_QUEUE)
                .build());
    return new Run(id, WorkflowClient.start(stub::run, input).getRunId());
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

  private static HostMoveItem item(HostMovesView view, String instanceId) {
    return view.items().stream()
        .filter(i -> i.instanceId.equals(instanceId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no item for " + instanceId));
  }

  private String startInstance(String name, VmState vm) {
    return startInstance(record(name, vm));
  }

  private String startInstance(InstanceRecord r) {
    kit.startInstance(r);
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
}
