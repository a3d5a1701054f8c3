package dev.ferry.placement;

import static dev.ferry.testing.FerryTestEnv.eventually;
import static dev.ferry.testing.FerryTestEnv.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.ferry.entities.Entities;
import dev.ferry.model.Claim;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostInventory;
import dev.ferry.model.HostStatus;
import dev.ferry.model.HostSummary;
import dev.ferry.model.Names;
import dev.ferry.model.PlacementView;
import dev.ferry.model.PlacementView.HostUsage;
import dev.ferry.model.Resources;
import dev.ferry.testing.FerryTestEnv;
import io.temporal.api.enums.v1.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class PlacementWorkflowTest {

  private static final Resources SMALL = new Resources(1, 2048, 20);
  private static final Resources MEDIUM = new Resources(2, 4096, 40);

  private FerryTestEnv t;
  private PlacementWorkflow placement;

  @BeforeEach
  void setUp() {
    t = new FerryTestEnv();
    placement = t.startPlacement();
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  // ---- helpers

  private static HostInventory inventory(int vcpus, int memoryMb, int diskGb) {
    return new HostInventory(vcpus, memoryMb, diskGb, 1.0, 1.0, 1.0);
  }

  private static HostSummary up(String name, int memoryMb) {
    return new HostSummary(name, HostStatus.UP, true, false, inventory(16, memoryMb, 500));
  }

  private static HostSummary down(String name, int memoryMb) {
    return new HostSummary(name, HostStatus.DOWN, true, false, inventory(16, memoryMb, 500));
  }

  private static HostSummary disabled(String name, int memoryMb) {
    return new HostSummary(name, HostStatus.UP, false, false, inventory(16, memoryMb, 500));
  }

  private static HostSummary forcedDown(String name, int memoryMb) {
    // What HostRecord.summary() sends for a forced-down host.
    return new HostSummary(name, HostStatus.DOWN, true, true, inventory(16, memoryMb, 500));
  }

  /** Tells placement about hosts and waits until its view lists them. */
  private void hosts(HostSummary... hosts) {
    for (HostSummary h : hosts) {
      placement.hostChanged(h);
    }
    eventually(() -> assertEquals(hosts.length, placement.view().hosts().size()));
  }

  private static ClaimRequest on(String consumer, Resources r, String host, String... excluded) {
    return new ClaimRequest(consumer, r, host, List.of(excluded));
  }

  private HostUsage usage(String host) {
    return placement.view().hosts().stream()
        .filter(u -> u.host().name().equals(host))
        .findFirst()
        .orElseThrow();
  }

  private Map<String, Claim> claims() {
    Map<String, Claim> out = new java.util.LinkedHashMap<>();
    placement.view().claims().forEach(c -> out.put(c.consumerId(), c));
    return out;
  }

  /** The update is refused with {@code reason} and placement's view is exactly as before. */
  private FerryRejection assertRejected(Reason reason, FerryTestEnv.Body update) {
    PlacementView before = placement.view();
    FerryRejection r = rejection(update);
    assertEquals(reason, r.reason(), r.getMessage());
    assertEquals(before, placement.view(), "a rejected update changed placement");
    return r;
  }

  // ---- claims on a named host

  @Test
  void claimOnANamedUpHostIsAcceptedAndCounted() {
    hosts(up("h1", 8192), up("h2", 8192));

    Claim claim = placement.claim(on("move:m1", SMALL, "h1"));

    assertEquals(new Claim("move:m1", "h1", SMALL), claim);
    assertEquals(List.of(claim), placement.view().claims());
    assertEquals(SMALL, usage("h1").used());
    assertEquals(Resources.NONE, usage("h2").used());
  }

  @Test
  void claimOnAnUnknownHostIsRejectedAsUnknownHost() {
    hosts(up("h1", 8192));
    FerryRejection r =
        assertRejected(Reason.UNKNOWN_HOST, () -> placement.claim(on("move:m1", SMALL, "h9")));
    assertTrue(r.getMessage().contains("unknown host 'h9'"), r.getMessage());
  }

  @Test
  void claimOnADownHostIsRejectedAsHostUnavailable() {
    hosts(down("h1", 8192));
    FerryRejection r =
        assertRejected(Reason.HOST_UNAVAILABLE, () -> placement.claim(on("move:m1", SMALL, "h1")));
    assertTrue(r.getMessage().contains("is DOWN"), r.getMessage());
  }

  @Test
  void claimOnADisabledHostIsRejectedAsHostUnavailable() {
    hosts(disabled("h1", 8192));
    FerryRejection r =
        assertRejected(Reason.HOST_UNAVAILABLE, () -> placement.claim(on("move:m1", SMALL, "h1")));
    assertTrue(r.getMessage().contains("disabled"), r.getMessage());
  }

  @Test
  void claimOnAForcedDownHostIsRejectedAsHostUnavailable() {
    hosts(forcedDown("h1", 8192));
    FerryRejection r =
        assertRejected(Reason.HOST_UNAVAILABLE, () -> placement.claim(on("move:m1", SMALL, "h1")));
    assertTrue(r.getMessage().contains("forced down"), r.getMessage());
  }

  @Test
  void claimBeyondFreeCapacityIsRejectedAsInsufficientCapacity() {
    hosts(up("h1", 4096));
    placement.claim(on("move:m1", MEDIUM, "h1")); // fills the memory
    FerryRejection r =
        assertRejected(
            Reason.INSUFFICIENT_CAPACITY, () -> placement.claim(on("move:m2", SMALL, "h1")));
    assertTrue(r.getMessage().contains("too little capacity"), r.getMessage());
  }

  @Test
  void claimOnAnExcludedHostIsRejectedAsSameHost() {
    hosts(up("h1", 8192));
    assertRejected(Reason.SAME_HOST, () -> placement.claim(on("move:m1", SMALL, "h1", "h1")));
  }

  @Test
  void claimWithNegativeResourcesIsRejectedAsInvalidArgument() {
    hosts(up("h1", 8192));
    assertRejected(
        Reason.INVALID_ARGUMENT,
        () -> placement.claim(on("move:m1", new Resources(1, -1, 0), "h1")));
  }

  // ---- the scheduler

  @Test
  void schedulerPicksTheUpEnabledHostWithTheMostFreeMemoryAndSkipsExcludedOnes() {
    hosts(
        up("h1", 16384),
        up("h2", 32768), // most memory, but 24 GiB of it is claimed below: 8 GiB free
        up("h3", 24576),
        down("h4", 65536),
        disabled("h5", 65536),
        forcedDown("h6", 65536));
    placement.claim(on("move:big", new Resources(1, 24576, 10), "h2"));

    assertEquals("h3", placement.claim(on("move:a", SMALL, null)).host());
    // h3 now has 22 GiB free, still the most.
    assertEquals("h3", placement.claim(on("move:b", SMALL, null)).host());
    assertEquals("h1", placement.claim(on("move:c", SMALL, null, "h3")).host());
    assertEquals("h2", placement.claim(on("move:d", SMALL, null, "h1", "h3")).host());

    FerryRejection r =
        assertRejected(
            Reason.NO_VALID_HOST,
            () -> placement.claim(on("move:e", new Resources(1, 30000, 1), null)));
    assertTrue(r.getMessage().contains("no valid host"), r.getMessage());
    assertRejected(
        Reason.NO_VALID_HOST, () -> placement.claim(on("move:f", SMALL, null, "h1", "h2", "h3")));
  }

  @Test
  void schedulerBreaksMemoryTiesByHostName() {
    hosts(up("h2", 8192), up("h1", 8192));
    assertEquals("h1", placement.claim(on("move:a", SMALL, null)).host());
  }

  // ---- idempotence

  @Test
  void claimIsIdempotentByConsumerIdAndCountedOnce() {
    hosts(up("h1", 4096), up("h2", 8192));
    Claim first = placement.claim(on("move:m1", MEDIUM, "h1"));

    // The host is full now, yet the same consumer's claim is accepted again: it already holds it.
    Claim again = placement.claim(on("move:m1", MEDIUM, "h1"));
    Claim otherRequest = placement.claim(on("move:m1", SMALL, null));

    assertEquals(first, again);
    assertEquals(first, otherRequest);
    assertEquals(1, placement.view().claims().size());
    assertEquals(MEDIUM, usage("h1").used());
    assertEquals(Resources.NONE, usage("h2").used());
  }

  // ---- admission

  @Test
  void admitReservesTheNameAndClaimsAndRejectsADuplicateName() {
    hosts(up("h1", 8192));
    Claim claim = placement.admit(new Admission("i1", "web", "h1", SMALL, false));
    assertEquals(new Claim("instance:i1", "h1", SMALL), claim);
    assertEquals(Map.of("i1", "web"), placement.view().instances());

    FerryRejection r =
        assertRejected(
            Reason.DUPLICATE_NAME,
            () -> placement.admit(new Admission("i2", "web", "h1", SMALL, false)));
    assertTrue(r.getMessage().contains("i1"), r.getMessage());

    // The same instance admitted again (a retried activity) is idempotent.
    assertEquals(claim, placement.admit(new Admission("i1", "web", "h1", SMALL, false)));
    assertEquals(1, placement.view().claims().size());
  }

  @Test
  void admitRejectsAnInvalidName() {
    hosts(up("h1", 8192));
    for (String bad : List.of("bad name", "-web", "", "x".repeat(64), "web/1")) {
      assertRejected(
          Reason.INVALID_ARGUMENT,
          () -> placement.admit(new Admission("i1", bad, "h1", SMALL, false)));
    }
    assertRejected(
        Reason.INVALID_ARGUMENT,
        () -> placement.admit(new Admission("i1", null, "h1", SMALL, false)));
  }

  @Test
  void admitWithoutForceChecksCapacityAndForceAdmitIgnoresIt() {
    hosts(up("h1", 4096));
    Resources huge = new Resources(64, 65536, 900);
    assertRejected(
        Reason.INSUFFICIENT_CAPACITY,
        () -> placement.admit(new Admission("i1", "big", "h1", huge, false)));

    Claim claim = placement.admit(new Admission("i1", "big", "h1", huge, true));

    assertEquals(new Claim("instance:i1", "h1", huge), claim);
    assertEquals(huge, usage("h1").used());
    assertEquals(Map.of("i1", "big"), placement.view().instances());
    // force still needs a host placement knows.
    assertRejected(
        Reason.UNKNOWN_HOST,
        () -> placement.admit(new Admission("i2", "other", "h9", SMALL, true)));
  }

  // ---- swap, release, forget

  @Test
  void swapReKeysTheMoveClaimToTheInstanceReplacingItsOldClaim() {
    hosts(up("h1", 8192), up("h2", 8192));
    placement.admit(new Admission("i1", "web", "h1", SMALL, false));
    placement.claim(on("move:m1", MEDIUM, "h2"));

    placement.swap("move:m1", "instance:i1");

    assertEquals(Map.of("instance:i1", new Claim("instance:i1", "h2", MEDIUM)), claims());
    assertEquals(Resources.NONE, usage("h1").used());
    assertEquals(MEDIUM, usage("h2").used());
    assertEquals(Map.of("i1", "web"), placement.view().instances());

    // A retried swap finds nothing to move and changes nothing.
    PlacementView before = placement.view();
    placement.swap("move:m1", "instance:i1");
    assertEquals(before, placement.view());
  }

  @Test
  void releaseDropsTheConsumersClaimAndIsANoOpWithoutOne() {
    hosts(up("h1", 8192));
    placement.claim(on("move:m1", SMALL, "h1"));
    placement.release("move:m1");
    placement.release("move:never");
    assertEquals(List.of(), placement.view().claims());
    assertEquals(Resources.NONE, usage("h1").used());
  }

  @Test
  void forgetInstanceReleasesItsClaimAndFreesItsName() {
    hosts(up("h1", 8192));
    placement.admit(new Admission("i1", "web", "h1", SMALL, false));
    placement.claim(on("move:m1", SMALL, "h1"));

    placement.forgetInstance("i1");

    assertEquals(List.of("move:m1"), List.copyOf(claims().keySet()));
    assertEquals(Map.of(), placement.view().instances());
    // The name is free again.
    placement.admit(new Admission("i2", "web", "h1", SMALL, false));
    assertEquals(Map.of("i2", "web"), placement.view().instances());
  }

  // ---- reconcile

  @Test
  void reconcileReleasesClaimsOfClosedOwnersPastTheGraceAndKeepsFreshAndLiveOnes() {
    hosts(up("h1", 16384));
    Set<String> closed = Set.of("move:old", "instance:gone", "move:fresh");
    when(t.inspection.closedOrMissing(anyList()))
        .thenAnswer(
            inv -> {
              List<String> asked = inv.getArgument(0);
              return asked.stream().filter(closed::contains).toList();
            });
    placement.claim(on("move:old", SMALL, "h1"));
    placement.admit(new Admission("gone", "gone-vm", "h1", SMALL, false));
    placement.claim(on("move:alive", SMALL, "h1"));

    // Past the grace, still before the first reconcile round.
    t.env.sleep(PlacementWorkflowImpl.RECONCILE_GRACE.plusSeconds(30));
    placement.claim(on("move:fresh", SMALL, "h1"));
    // Past the first round (RECONCILE_EVERY after start), while move:fresh is within its grace.
    t.env.sleep(Duration.ofSeconds(40));
    eventually(
        () -> assertEquals(List.of("move:alive", "move:fresh"), List.copyOf(claims().keySet())));
    assertEquals(Map.of(), placement.view().instances());
    @SuppressWarnings("unchecked")
    ArgumentCaptor<List<String>> asked = ArgumentCaptor.forClass(List.class);
    verify(t.inspection, atLeastOnce()).closedOrMissing(asked.capture());
    assertEquals(List.of("move:old", "instance:gone", "move:alive"), asked.getAllValues().get(0));
    assertFalse(
        asked.getAllValues().stream().anyMatch(l -> l.contains("move:fresh")),
        "a claim within its grace was reconciled");
  }

  // ---- bounded history

  @Test
  void placementContinuesAsNewUnderManyClaimsAndKeepsEveryClaim() {
    int n = 150;
    hosts(
        new HostSummary("h1", HostStatus.UP, true, false, inventory(n, n * 128, n)),
        up("h2", 8192));
    String firstRun = t.runId(Names.PLACEMENT_WORKFLOW_ID);
    Resources nano = new Resources(1, 128, 1);
    for (int i = 0; i < n; i++) {
      placement.claim(on("move:" + i, nano, "h1"));
    }

    assertNotEquals(firstRun, t.runId(Names.PLACEMENT_WORKFLOW_ID), "never continued as new");
    assertEquals(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
        t.history(Names.PLACEMENT_WORKFLOW_ID, firstRun)
            .get(t.history(Names.PLACEMENT_WORKFLOW_ID, firstRun).size() - 1)
            .getEventType());
    assertTrue(t.history(Names.PLACEMENT_WORKFLOW_ID).size() <= Entities.MAX_HISTORY_EVENTS + 10);
    PlacementView view = placement.view();
    assertEquals(n, view.claims().size());
    assertEquals(new Resources(n, n * 128, n), usage("h1").used());
    assertEquals(2, view.hosts().size());

    // Idempotence by consumer id survives continue-as-new (update-id dedup does not): h1 is full.
    assertEquals(new Claim("move:0", "h1", nano), placement.claim(on("move:0", nano, "h1")));
    assertRejected(Reason.INSUFFICIENT_CAPACITY, () -> placement.claim(on("move:new", nano, "h1")));
  }

  @Test
  void placementContinuesAsNewAcrossReconcileRoundsAndKeepsLiveClaims() {
    hosts(up("h1", 16384), up("h2", 16384));
    placement.admit(new Admission("i1", "web", "h1", SMALL, false));
    placement.claim(on("move:m1", MEDIUM, "h2"));
    String firstRun = t.runId(Names.PLACEMENT_WORKFLOW_ID);

    // Each round schedules a Describe: a few hundred events within a few hours.
    t.env.sleep(Duration.ofHours(4));

    List<String> runs = new ArrayList<>();
    runs.add(t.runId(Names.PLACEMENT_WORKFLOW_ID));
    assertNotEquals(firstRun, runs.get(0), "never continued as new");
    assertTrue(t.history(Names.PLACEMENT_WORKFLOW_ID).size() <= Entities.MAX_HISTORY_EVENTS + 10);
    assertEquals(
        Map.of(
            "instance:i1", new Claim("instance:i1", "h1", SMALL),
            "move:m1", new Claim("move:m1", "h2", MEDIUM)),
        claims());
    assertEquals(Map.of("i1", "web"), placement.view().instances());
    assertEquals(2, placement.view().hosts().size());
  }
}
