package dev.ferry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.client.fakes.FakeAdoption;
import dev.ferry.client.fakes.FakeInstance;
import dev.ferry.client.fakes.FakeResize;
import dev.ferry.host.HostWorkflow;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.model.PlacementView;
import dev.ferry.model.Settings;
import dev.ferry.model.VmState;
import dev.ferry.move.MoveView;
import dev.ferry.statemachine.StateMachine;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** FerryClient against an in-process Temporal with fake entities. */
class FerryClientTest {
  private static final String ID1 = "11111111-1111-1111-1111-111111111111";
  private static final String ID2 = "22222222-2222-2222-2222-222222222222";
  private static final Set<String> FINISHED_OR_ERROR = Set.of("FINISHED", "ERROR");

  private FakeFerry ferry;
  private FerryClient client;

  @BeforeEach
  void setUp() {
    ferry = new FakeFerry();
    client = ferry.client();
  }

  @AfterEach
  void tearDown() {
    client.close();
    ferry.close();
  }

  private static FerryRejection rejected(Reason reason, Executable call) {
    FerryRejection r = assertThrows(FerryRejection.class, call);
    assertEquals(reason, r.reason(), r.getMessage());
    return r;
  }

  // ------------------------------------------------------------------ create

  @Test
  void createAdmitsStartsTheInstanceAndWaitsUntilActive() {
    ferry.standardCluster().nextIds(ID1);
    long t0 = System.nanoTime();

    InstanceRecord r = client.servers().create("web1", "m1.tiny", "a", Duration.ofSeconds(30));

    assertTrue((System.nanoTime() - t0) / 1_000_000 >= 250, "waited for the build");
    assertEquals(VmState.ACTIVE, r.vmState);
    assertEquals(ID1, r.id);
    assertEquals("a", r.host);
    assertEquals("m1.tiny", r.flavor.name());
    PlacementView view = client.hosts().placement();
    assertEquals("web1", view.instances().get(ID1));
    assertTrue(
        view.claims().stream()
            .anyMatch(c -> c.consumerId().equals("instance:" + ID1) && c.host().equals("a")));
    assertTrue(ferry.exists(Names.instanceWorkflowId(ID1)));
  }

  @Test
  void createWithoutHostPicksTheAliveEnabledHostWithMostFreeMemory() {
    ferry.standardCluster();
    // b (8 GB) beats a (4 GB); c is DOWN and d disabled although as large as b.
    InstanceRecord r = client.servers().create("web1", "m1.tiny", null, Duration.ofSeconds(30));
    assertEquals("b", r.host);
  }

  @Test
  void createRefusedByTheAdmitValidatorStartsNothing() {
    ferry.standardCluster();
    ferry.server("taken", "m1.tiny", "a", VmState.ACTIVE);
    record Case(String name, String flavor, String host, Reason reason) {}
    List<Case> cases =
        List.of(
            new Case("taken", "m1.tiny", "a", Reason.DUPLICATE_NAME),
            new Case("web1", "m1.tiny", "zz", Reason.UNKNOWN_HOST),
            new Case("web1", "m1.tiny", "c", Reason.HOST_UNAVAILABLE),
            new Case("web1", "m1.tiny", "d", Reason.HOST_UNAVAILABLE),
            new Case("web1", "m1.xlarge", "a", Reason.INSUFFICIENT_CAPACITY));
    for (Case c : cases) {
      ferry.nextIds(ID1);
      rejected(
          c.reason(),
          () -> client.servers().create(c.name(), c.flavor(), c.host(), Duration.ofSeconds(5)));
      assertFalse(ferry.exists(Names.instanceWorkflowId(ID1)), c + " started an instance");
      assertFalse(client.hosts().placement().instances().containsKey(ID1), c + " admitted");
    }
    assertEquals(1, client.hosts().placement().instances().size());
  }

  @Test
  void createChecksItsInputBeforeAnyCall() {
    // no cluster at all: a call would fail with UNREACHABLE, not these
    rejected(
        Reason.INVALID_ARGUMENT,
        () -> client.servers().create("bad name!", "m1.tiny", "a", Duration.ofSeconds(5)));
    FerryRejection r =
        rejected(
            Reason.UNKNOWN_FLAVOR,
            () -> client.servers().create("web1", "m9.huge", "a", Duration.ofSeconds(5)));
    assertTrue(r.getMessage().contains("t1.nano"), "lists the known flavors: " + r.getMessage());
  }

  @Test
  void createThatEndsInErrorFailsWithTheRecordedError() {
    ferry.standardCluster().nextIds(ID1);
    FerryFailure f =
        assertThrows(
            FerryFailure.class,
            () -> client.servers().create("fail-1", "m1.tiny", "a", Duration.ofSeconds(30)));
    assertTrue(f.getMessage().contains(FakeInstance.BUILD_ERROR), f.getMessage());
    assertTrue(f.getMessage().contains("ferry server delete fail-1"), f.getMessage());
  }

  @Test
  void createThatOutlastsItsTimeoutSaysHowToFollowIt() {
    ferry.standardCluster();
    FerryFailure f =
        assertThrows(
            FerryFailure.class,
            () -> client.servers().create("slow", "m1.tiny", "a", Duration.ofMillis(50)));
    assertTrue(f.getMessage().contains("still BUILDING"), f.getMessage());
  }

  // ------------------------------------------------------------------ reachability, timeouts

  @Test
  void anUnreachableTargetIsRefusedWithinSeconds() {
    FerryRejection r =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () ->
                assertThrows(
                    FerryRejection.class,
                    () ->
                        FerryClient.connect(
                            new FerryClientOptions(
                                "localhost:1", null, Duration.ofSeconds(3), null))));
    assertEquals(Reason.UNREACHABLE, r.reason());
    assertTrue(r.getMessage().startsWith("cannot reach Temporal at localhost:1: "), r.getMessage());
    assertTrue(r.getMessage().contains("--target"), r.getMessage());
  }

  @Test
  void aMissingPlacementSaysToStartTheConductor() {
    FerryRejection r = rejected(Reason.UNREACHABLE, () -> client.hosts().placement());
    assertTrue(r.getMessage().contains("conductor"), r.getMessage());
  }

  @Test
  void aWorkflowNobodyServesTimesOutInsteadOfHanging() {
    ferry.standardCluster();
    HostRecord ghost = FakeFerry.host("ghost", HostStatus.UP, true, FakeFerry.SMALL);
    HostWorkflow stub =
        ferry
            .workflowClient()
            .newWorkflowStub(
                HostWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(Names.hostWorkflowId("ghost"))
                    .setTaskQueue("no-worker-here")
                    .build());
    WorkflowClient.start(stub::run, ghost);
    FerryClient impatient = FerryClient.of(ferry.workflowClient(), Duration.ofSeconds(1));
    FerryFailure f =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () -> assertThrows(FerryFailure.class, () -> impatient.hosts().get("ghost")));
    assertTrue(f.getMessage().contains("no answer"), f.getMessage());
    impatient.close();
  }

  // ------------------------------------------------------------------ hosts

  @Test
  void hostsComeFromPlacementWithTheirRecordsAndUsage() {
    ferry.standardCluster();
    ferry.server("web1", "m1.small", "a", VmState.ACTIVE);

    List<HostListing> hosts = client.hosts().listings();

    assertEquals(List.of("a", "b", "c", "d"), hosts.stream().map(h -> h.record().name).toList());
    HostListing a = hosts.get(0);
    assertEquals("QEMU", a.record().hypervisorType);
    assertEquals(4, a.capacity().vcpus());
    assertEquals(1, a.used().vcpus());
    assertEquals(2048, a.used().memoryMb());
    assertEquals(
        List.of("a", "b", "c", "d"), client.hosts().list().stream().map(h -> h.name).toList());
  }

  @Test
  void hostUpdatesChangeTheRecordAndUnknownHostsAreNamed() {
    ferry.standardCluster();
    HostRecord disabled = client.hosts().disable("a", "firmware update");
    assertFalse(disabled.enabled);
    assertEquals("firmware update", disabled.disabledReason);
    assertTrue(client.hosts().enable("a").enabled);
    assertTrue(client.hosts().forceDown("b").forcedDown);
    assertFalse(client.hosts().unsetForceDown("b").forcedDown);

    FerryRejection r = rejected(Reason.UNKNOWN_HOST, () -> client.hosts().get("zz"));
    assertTrue(r.getMessage().contains("'zz'"), r.getMessage());
    rejected(Reason.UNKNOWN_HOST, () -> client.hosts().enable("zz"));
    rejected(Reason.INVALID_ARGUMENT, () -> client.hosts().get("no/slashes"));
  }

  @Test
  void aValidatorRefusalWhoseTypeTheSdkLostIsStillARefusalWithItsMessage() {
    ferry.standardCluster();
    FerryRejection r =
        rejected(Reason.INVALID_ARGUMENT, () -> client.hosts().disable("a", "untagged"));
    assertEquals("host a says no", r.getMessage());
  }

  // ------------------------------------------------------------------ servers

  @Test
  void serversAreListedByNameAndDeletedOnesLeftOut() {
    ferry.standardCluster();
    InstanceRecord zeta = ferry.server("zeta", "m1.tiny", "a", VmState.ACTIVE);
    ferry.server("alpha", "m1.tiny", "b", VmState.STOPPED);
    ferry.server("gone", "m1.tiny", "b", VmState.ACTIVE);

    InstanceRecord deleted = client.servers().delete("gone").record();
    assertEquals(VmState.DELETED, deleted.vmState);

    assertEquals(
        List.of("alpha", "zeta"), client.servers().list().stream().map(r -> r.name).toList());
    assertEquals("zeta", client.servers().get(zeta.id).name);
    assertEquals(zeta.id, client.servers().get("zeta").id);
    FerryRejection r = rejected(Reason.UNKNOWN_INSTANCE, () -> client.servers().get("nope"));
    assertTrue(r.getMessage().contains("ferry server list"), r.getMessage());
    rejected(Reason.UNKNOWN_INSTANCE, () -> client.servers().get(ID2));
  }

  @Test
  void adoptReturnsTheInstanceIdOrTheRefusal() {
    ferry.standardCluster();
    assertEquals(FakeAdoption.ADOPTED_ID, client.servers().adopt("a", "guest-7"));
    FerryRejection r =
        rejected(Reason.INVALID_ARGUMENT, () -> client.servers().adopt("a", "other"));
    assertTrue(r.getMessage().contains("no domain named other"), r.getMessage());
    rejected(Reason.INVALID_ARGUMENT, () -> client.servers().adopt("a", " "));
  }

  // ------------------------------------------------------------------ moves: pre-checks

  @Test
  void migratePreChecksRefuseBadRequestsAndChangeNothing() {
    ferry.standardCluster().nextIds(ID2, ID2, ID2, ID2, ID2, ID2, ID2, ID2);
    InstanceRecord web = ferry.server("web1", "m1.small", "a", VmState.ACTIVE);

    rejected(Reason.SAME_HOST, () -> client.resizes().migrate("web1", "a", null));
    rejected(Reason.UNKNOWN_HOST, () -> client.resizes().migrate("web1", "zz", null));
    rejected(Reason.HOST_UNAVAILABLE, () -> client.resizes().migrate("web1", "c", null));
    FerryRejection disabled =
        rejected(Reason.HOST_UNAVAILABLE, () -> client.resizes().migrate("web1", "d", null));
    assertTrue(disabled.getMessage().contains("disabled"), disabled.getMessage());
    rejected(Reason.UNKNOWN_INSTANCE, () -> client.resizes().migrate("nope", "b", null));
    rejected(
        Reason.INVALID_ARGUMENT,
        () -> client.resizes().migrate("web1", "b", Duration.ofSeconds(-1)));
    rejected(Reason.INVALID_ARGUMENT, () -> client.resizes().resize("web1", "m1.small", "b", null));
    rejected(Reason.UNKNOWN_FLAVOR, () -> client.resizes().resize("web1", "m9.huge", "b", null));
    // b has 8 vCPU, 8 GB, 80 GB free: m1.xlarge (8 vCPU, 16 GB, 160 GB) does not fit
    FerryRejection full =
        rejected(
            Reason.INSUFFICIENT_CAPACITY,
            () -> client.resizes().resize("web1", "m1.xlarge", "b", null));
    assertTrue(full.getMessage().contains("free 8 vCPU, 8192 MiB, 80 GiB"), full.getMessage());
    rejected(Reason.SAME_HOST, () -> client.resizes().resize("web1", "m1.medium", "a", null));

    InstanceRecord after = client.servers().get("web1");
    assertNull(after.currentMoveId);
    assertEquals("a", after.host);
    assertFalse(ferry.exists(Names.moveWorkflowId(ID2)));
    assertEquals(web.id, after.id);
  }

  @Test
  void aBusyServerIsRefusedWithItsMove() {
    ferry.standardCluster();
    InstanceRecord r = new InstanceRecord();
    r.id = ID1;
    r.name = "busy1";
    r.flavor = dev.ferry.model.Flavors.require("m1.tiny");
    r.host = "a";
    r.vmState = VmState.ACTIVE;
    r.currentMoveId = "m-1";
    r.currentMoveType = MoveType.COLD_MIGRATION;
    r.currentMoveStatus = "migrating";
    ferry.seed(r);

    FerryRejection busy =
        rejected(Reason.INSTANCE_BUSY, () -> client.resizes().migrate("busy1", "b", null));
    assertEquals(
        "server busy1 is busy with cold migration m-1; wait for it to end ('ferry migration show"
            + " busy1') or cancel it ('ferry migration cancel busy1')",
        busy.getMessage());
    rejected(Reason.INSTANCE_BUSY, () -> client.resizes().resize("busy1", "m1.small", null, null));
    FerryRejection notLive = rejected(Reason.NOTHING_PENDING, () -> client.live().abort("busy1"));
    assertEquals(
        "server busy1 has no live migration in progress (it is busy with cold migration m-1: see"
            + " 'ferry migration show busy1')",
        notLive.getMessage());
  }

  @Test
  void anEvacuationIsNotCancelledAndTheRefusalSaysHowToFollowIt() {
    ferry.standardCluster();
    InstanceRecord r = new InstanceRecord();
    r.id = ID1;
    r.name = "evac1";
    r.flavor = dev.ferry.model.Flavors.require("m1.tiny");
    r.host = "a";
    r.vmState = VmState.ACTIVE;
    r.currentMoveId = "m-1";
    r.currentMoveType = MoveType.EVACUATION;
    r.currentMoveStatus = "rebuilding";
    ferry.seed(r);

    FerryRejection refused =
        rejected(
            Reason.INVALID_STATE, () -> client.resizes().cancel("evac1", Duration.ofSeconds(5)));
    assertEquals(
        "server evac1 is being evacuated from a failed host: an evacuation cannot be cancelled;"
            + " follow it with 'ferry migration show evac1'",
        refused.getMessage());
  }

  @Test
  void onlyActiveOrStoppedServersMove() {
    ferry.standardCluster();
    ferry.server("broken", "m1.tiny", "a", VmState.ERROR);
    FerryRejection r =
        rejected(Reason.INVALID_STATE, () -> client.resizes().migrate("broken", "b", null));
    assertEquals(
        "server broken is ERROR; cold migration needs one of [ACTIVE, STOPPED]: if its guest is"
            + " fine, repair its record first ('ferry server reconcile broken')",
        r.getMessage());
  }

  @Test
  void withoutADestinationSomeOtherHostMustFit() {
    ferry.cluster(
        Settings.DEFAULTS,
        FakeFerry.host("a", HostStatus.UP, true, FakeFerry.SMALL),
        FakeFerry.host("c", HostStatus.DOWN, true, FakeFerry.LARGE));
    ferry.server("web1", "m1.tiny", "a", VmState.ACTIVE);
    rejected(Reason.NO_VALID_HOST, () -> client.resizes().migrate("web1", null, null));
  }

  @Test
  void sameHostResizeIsAllowedWhenPlacementSaysSo() {
    ferry.cluster(
        new Settings(true, 3600, 1, 60), FakeFerry.host("a", HostStatus.UP, true, FakeFerry.SMALL));
    ferry.server("web1", "m1.tiny", "a", VmState.ACTIVE);
    rejected(Reason.SAME_HOST, () -> client.resizes().migrate("web1", "a", null));
    String moveId = client.resizes().resize("web1", "m1.small", "a", null);
    assertNotNull(moveId);
  }

  // ------------------------------------------------------------------ moves: the happy paths

  @Test
  void migrateWaitsInVerifyResizeThenConfirms() {
    ferry.standardCluster().nextIds(ID2);
    ferry.server("web1", "m1.small", "a", VmState.ACTIVE);

    String moveId = client.resizes().migrate("web1", "b", Duration.ZERO);

    assertEquals(ID2, moveId);
    MoveView parked = client.moves().await(moveId, FINISHED_OR_ERROR, Duration.ofSeconds(30));
    assertEquals("finished", parked.status());
    assertEquals(MoveType.COLD_MIGRATION, parked.type());
    assertEquals(moveId, client.servers().get("web1").currentMoveId);
    assertEquals("finished", client.moves().get("web1").status());
    assertEquals("finished", client.moves().get(moveId).status());
    assertEquals("finished", client.moves().get("move:" + moveId).status());

    MoveView confirmed = client.resizes().confirm("web1");

    assertEquals("confirmed", confirmed.status());
    assertTrue(confirmed.finished());
    StateMachine.Change confirm =
        confirmed.log().stream().filter(c -> "CONFIRM".equals(c.event())).findFirst().orElseThrow();
    assertEquals(client.user(), confirm.actor());
    InstanceRecord after = waitUntilIdle("web1");
    assertEquals("b", after.host);
    // the server's last move is still shown
    assertEquals("confirmed", client.moves().get("web1").status());
    // nothing pending any more
    rejected(Reason.NOTHING_PENDING, () -> client.resizes().confirm("web1"));
  }

  @Test
  void resizeCanBeReverted() {
    ferry.standardCluster();
    ferry.server("web1", "m1.tiny", "a", VmState.ACTIVE);
    String moveId = client.resizes().resize("web1", "m1.small", "b", null);
    client.moves().await(moveId, FINISHED_OR_ERROR, Duration.ofSeconds(30));

    MoveView reverted = client.resizes().revert("web1");

    assertEquals("reverted", reverted.status());
    assertEquals(MoveType.RESIZE, reverted.type());
    InstanceRecord after = waitUntilIdle("web1");
    assertEquals("a", after.host);
    assertEquals("m1.tiny", after.flavor.name());
  }

  @Test
  void aFailedMoveIsSeenInError() {
    ferry.standardCluster();
    ferry.server("doomed1", "m1.tiny", "a", VmState.ACTIVE);
    String moveId = client.resizes().migrate("doomed1", "b", null);
    MoveView v = client.moves().await(moveId, FINISHED_OR_ERROR, Duration.ofSeconds(30));
    assertEquals("error", v.status());
    assertEquals(FakeResize.MOVE_ERROR, v.error());
  }

  @Test
  void confirmWithNothingPendingIsRefused() {
    ferry.standardCluster();
    ferry.server("web1", "m1.tiny", "a", VmState.ACTIVE);
    FerryRejection r = rejected(Reason.NOTHING_PENDING, () -> client.resizes().confirm("web1"));
    assertEquals("server web1 has no resize awaiting confirmation", r.getMessage());
    rejected(Reason.NOTHING_PENDING, () -> client.resizes().revert("web1"));
    rejected(Reason.NOTHING_PENDING, () -> client.moves().get("web1"));
  }

  @Test
  void confirmBeforeTheMoveFinishedIsRefusedByTheValidator() {
    ferry.standardCluster();
    ferry.server("web1", "m1.tiny", "a", VmState.ACTIVE);
    client.resizes().migrate("web1", "b", null);
    // the fake takes ~150 ms to reach FINISHED: right after the start it is not there yet
    FerryRejection r = rejected(Reason.INVALID_STATE, () -> client.resizes().confirm("web1"));
    assertTrue(r.getMessage().contains("not finished"), r.getMessage());
  }

  @Test
  void awaitMoveTimesOutWithAHint() {
    ferry.standardCluster();
    ferry.server("web1", "m1.tiny", "a", VmState.ACTIVE);
    String moveId = client.resizes().migrate("web1", "b", null);
    FerryFailure f =
        assertThrows(
            FerryFailure.class,
            () -> client.moves().await(moveId, Set.of("CONFIRMED"), Duration.ofMillis(700)));
    assertTrue(f.getMessage().contains("ferry migration show " + moveId), f.getMessage());
  }

  // ------------------------------------------------------------------ history

  @Test
  void historyExportReturnsJsonWithEvents() throws Exception {
    ferry.standardCluster();
    client.hosts().placement();
    String json = client.history().export(Names.PLACEMENT_WORKFLOW_ID);
    JsonNode events = new ObjectMapper().readTree(json).get("events");
    assertTrue(events.isArray() && events.size() > 0, json);
    assertEquals("EVENT_TYPE_WORKFLOW_EXECUTION_STARTED", events.get(0).get("eventType").asText());
    rejected(Reason.UNKNOWN_INSTANCE, () -> client.history().export("no-such-workflow"));
  }

  private InstanceRecord waitUntilIdle(String server) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      InstanceRecord r = client.servers().get(server);
      if (r.currentMoveId == null) {
        return r;
      }
      assertTrue(System.nanoTime() < deadline, "still busy: " + r.currentMoveId);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }
}
