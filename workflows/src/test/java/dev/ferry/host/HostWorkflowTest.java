package dev.ferry.host;

import static dev.ferry.testing.FerryTestEnv.H1;
import static dev.ferry.testing.FerryTestEnv.INVENTORY;
import static dev.ferry.testing.FerryTestEnv.eventually;
import static dev.ferry.testing.FerryTestEnv.json;
import static dev.ferry.testing.FerryTestEnv.registration;
import static dev.ferry.testing.FerryTestEnv.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.entities.Entities;
import dev.ferry.host.HostLeaseActivities.LeaseEnd;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostInventory;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import dev.ferry.model.HostSummary;
import dev.ferry.model.Names;
import dev.ferry.model.Resources;
import dev.ferry.placement.PlacementWorkflow;
import dev.ferry.testing.FerryTestEnv;
import dev.ferry.testing.ScriptedLease;
import io.temporal.api.enums.v1.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * HostWorkflow with the real PlacementWorkflow beside it. Leases hold time skipping locked, so
 * these tests wait in real time (a few seconds at most).
 */
@Timeout(value = 90, threadMode = ThreadMode.SEPARATE_THREAD)
class HostWorkflowTest {

  private static final String HOST_ID = Names.hostWorkflowId(H1);

  private FerryTestEnv t;
  private PlacementWorkflow placement;
  private ScriptedLease lease;

  @BeforeEach
  void setUp() {
    t = new FerryTestEnv();
    lease = t.lease(H1);
    t.requireJsonRoundTrip(sampleRecord());
  }

  /** A record as HostAgent starts the workflow with, and as it continues as new. */
  private static HostRecord sampleRecord() {
    HostRecord r = new HostRecord();
    r.name = H1;
    r.status = HostStatus.UP;
    r.incarnation = "inc-1";
    r.inventory = INVENTORY;
    r.cleanup.add(item("a", "stale copy"));
    return r;
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  private HostWorkflow startWithPlacement() {
    placement = t.startPlacement();
    return t.startHost(H1);
  }

  private HostSummary placementSees(String host) {
    return placement.view().hosts().stream()
        .map(u -> u.host())
        .filter(h -> h.name().equals(host))
        .findFirst()
        .orElseThrow(() -> new AssertionError("placement does not know " + host));
  }

  /** What placement hears of h1 once its agent registered (with its hypervisor). */
  private static HostSummary registered(HostStatus status, boolean enabled, boolean forcedDown) {
    return new HostSummary(H1, status, enabled, forcedDown, INVENTORY, "QEMU", 8_002_000);
  }

  private void awaitPlacementSees(HostSummary expected) {
    eventually(() -> assertEquals(expected, placementSees(expected.name())));
  }

  private static CleanupItem item(String id, String reason) {
    return new CleanupItem(id, CleanupItem.Kind.REMOVE_STALE_DOMAIN, "uuid-" + id, 3, null, reason);
  }

  @Test
  void hostRecordSurvivesTheWorkersJsonConverter() {
    // Also checked before every test here; named so that a failure says what is broken.
    t.requireJsonRoundTrip(sampleRecord());
    t.requireJsonRoundTrip(new HostRecord());
  }

  // ---- registration and liveness

  @Test
  void registerMarksTheHostUpGrantsALeaseAndTellsPlacement() {
    HostWorkflow host = startWithPlacement();
    awaitPlacementSees(new HostSummary(H1, HostStatus.DOWN, true, false, null));

    HostRecord record = host.register(registration("inc-1"));

    assertEquals(HostStatus.UP, record.status);
    assertEquals("inc-1", record.incarnation);
    assertEquals(INVENTORY, record.inventory);
    assertEquals("QEMU", record.hypervisorType);
    assertNull(record.downReason);
    lease.awaitHoldsStarted("inc-1", 1);
    awaitPlacementSees(registered(HostStatus.UP, true, false));
    assertEquals(HostStatus.UP, host.get().status);
  }

  @Test
  void aFailedLeaseMarksTheHostDownWithTheReasonAndTellsPlacement() {
    HostWorkflow host = startWithPlacement();
    host.register(registration("inc-1"));
    lease.awaitHoldsStarted("inc-1", 1);

    lease.fail("inc-1", "libvirt connection lost");

    eventually(() -> assertEquals(HostStatus.DOWN, host.get().status));
    String reason = host.get().downReason;
    assertNotNull(reason);
    assertTrue(reason.startsWith("agent lease lost"), reason);
    assertTrue(reason.contains("libvirt connection lost"), reason);
    awaitPlacementSees(registered(HostStatus.DOWN, true, false));
    // DOWN: no new lease is granted to the incarnation that lost it.
    assertEquals(1, lease.holdsStarted("inc-1"));
  }

  @Test
  void aHostGoesUpDownAndUpAgainWhenANewIncarnationRegisters() {
    HostWorkflow host = startWithPlacement();
    host.register(registration("inc-1"));
    lease.awaitHoldsStarted("inc-1", 1);
    lease.fail("inc-1", "heartbeat timeout");
    eventually(() -> assertEquals(HostStatus.DOWN, host.get().status));
    awaitPlacementSees(registered(HostStatus.DOWN, true, false));

    HostRecord record = host.register(registration("inc-2"));

    assertEquals(HostStatus.UP, record.status);
    assertEquals("inc-2", record.incarnation);
    assertNull(record.downReason);
    lease.awaitHoldsStarted("inc-2", 1);
    awaitPlacementSees(registered(HostStatus.UP, true, false));
  }

  @Test
  void aStaleLeaseOfAnOldIncarnationFailingLateDoesNotMarkTheHostDown() {
    HostWorkflow host = startWithPlacement();
    host.register(registration("inc-1"));
    lease.awaitHoldsStarted("inc-1", 1);
    // The agent restarted fast: the new incarnation registers while the old lease still runs.
    host.register(registration("inc-2"));
    lease.awaitHoldsStarted("inc-2", 1);

    lease.fail("inc-1", "heartbeat timeout of the dead agent");
    t.awaitHandled(HOST_ID, EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED, 1);

    HostRecord record = host.get();
    assertEquals(HostStatus.UP, record.status);
    assertEquals("inc-2", record.incarnation);
    assertNull(record.downReason);
    assertEquals(1, lease.holdsRunning("inc-2"));
    assertEquals(HostStatus.UP, placementSees(H1).status());
  }

  @Test
  void aStaleLeaseOfAnOldIncarnationEndingNormallyLateDoesNotMarkTheHostDown() {
    HostWorkflow host = startWithPlacement();
    host.register(registration("inc-1"));
    lease.awaitHoldsStarted("inc-1", 1);
    host.register(registration("inc-2"));
    lease.awaitHoldsStarted("inc-2", 1);

    lease.end("inc-1", LeaseEnd.RELEASED);
    t.awaitHandled(HOST_ID, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, 1);

    assertEquals(HostStatus.UP, host.get().status);
    assertEquals("inc-2", host.get().incarnation);
    // ... and the old incarnation is not granted another lease.
    assertEquals(1, lease.holdsStarted("inc-1"));
  }

  @Test
  void aReleasedLeaseMarksTheHostDownAsAgentStopped() {
    HostWorkflow host = startWithPlacement();
    host.register(registration("inc-1"));
    lease.awaitHoldsStarted("inc-1", 1);

    lease.end("inc-1", LeaseEnd.RELEASED);

    eventually(() -> assertEquals(HostStatus.DOWN, host.get().status));
    assertEquals("agent stopped", host.get().downReason);
    awaitPlacementSees(registered(HostStatus.DOWN, true, false));
  }

  @Test
  void aLeaseEndingStaleForTheCurrentIncarnationMarksTheHostDown() {
    HostWorkflow host = startWithPlacement();
    host.register(registration("inc-1"));
    lease.awaitHoldsStarted("inc-1", 1);

    // A new agent process picked up the lease before registering itself.
    lease.end("inc-1", LeaseEnd.STALE);

    eventually(() -> assertEquals(HostStatus.DOWN, host.get().status));
    assertEquals("agent incarnation replaced", host.get().downReason);
  }

  @Test
  void aRenewedLeaseIsFollowedByANewLeaseAndTheHostStaysUp() {
    HostWorkflow host = startWithPlacement();
    host.register(registration("inc-1"));
    lease.awaitHoldsStarted("inc-1", 1);
    long statusChangedAt = host.get().statusChangedAtMillis;

    lease.end("inc-1", LeaseEnd.RENEW);

    lease.awaitHoldsStarted("inc-1", 2);
    t.awaitHandled(HOST_ID, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, 1);
    HostRecord record = host.get();
    assertEquals(HostStatus.UP, record.status);
    assertEquals(statusChangedAt, record.statusChangedAtMillis);
    assertEquals(1, lease.holdsRunning("inc-1"));

    lease.end("inc-1", LeaseEnd.RENEW);
    lease.awaitHoldsStarted("inc-1", 3);
    assertEquals(HostStatus.UP, host.get().status);
  }

  @Test
  void changesMadeWhilePlacementIsBeingToldReachPlacementToo() {
    placement = t.startPlacement();
    HostWorkflow host = t.startHost(H1);
    // At once: the host's first report to placement is still on its way.
    host.register(registration("inc-1"));
    awaitPlacementSees(registered(HostStatus.UP, true, false));
    // And again, while the registration's report is on its way.
    host.setEnabled(false, "maintenance");
    host.setForcedDown(true);
    awaitPlacementSees(registered(HostStatus.DOWN, false, true));
  }

  // ---- operator switches

  @Test
  void forcedDownStaysUntilUnsetEvenAcrossAReRegistrationAndPlacementSeesDown() {
    HostWorkflow host = startWithPlacement();
    host.register(registration("inc-1"));
    awaitPlacementSees(registered(HostStatus.UP, true, false));

    HostRecord forced = host.setForcedDown(true);

    assertTrue(forced.forcedDown);
    assertFalse(forced.isAlive());
    awaitPlacementSees(registered(HostStatus.DOWN, true, true));
    FerryRejection r =
        rejection(
            () ->
                placement.claim(
                    new ClaimRequest("move:m1", new Resources(1, 512, 1), H1, List.of())));
    assertEquals(Reason.HOST_UNAVAILABLE, r.reason());

    // The agent restarts and registers, with a bigger inventory this time: still forced down.
    HostInventory bigger = new HostInventory(16, 32768, 400, 1.0, 1.0, 1.0);
    HostRecord again = host.register(registration("inc-2", bigger));
    assertTrue(again.forcedDown);
    assertFalse(again.isAlive());
    awaitPlacementSees(new HostSummary(H1, HostStatus.DOWN, true, true, bigger, "QEMU", 8_002_000));

    HostRecord unset = host.setForcedDown(false);

    assertFalse(unset.forcedDown);
    assertTrue(unset.isAlive());
    awaitPlacementSees(new HostSummary(H1, HostStatus.UP, true, false, bigger, "QEMU", 8_002_000));
  }

  @Test
  void disableWithAReasonAndEnableAgainArePassedToPlacement() {
    HostWorkflow host = startWithPlacement();
    host.register(registration("inc-1"));

    HostRecord disabled = host.setEnabled(false, "hardware maintenance");

    assertFalse(disabled.enabled);
    assertEquals("hardware maintenance", disabled.disabledReason);
    assertEquals(HostStatus.UP, disabled.status);
    awaitPlacementSees(registered(HostStatus.UP, false, false));

    HostRecord enabled = host.setEnabled(true, "ignored when enabling");

    assertTrue(enabled.enabled);
    assertNull(enabled.disabledReason);
    awaitPlacementSees(registered(HostStatus.UP, true, false));
  }

  @Test
  void aDisableReasonOver255CharactersIsRejectedAndChangesNothing() {
    HostWorkflow host = startWithPlacement();
    host.register(registration("inc-1"));
    String before = json(host.get());

    FerryRejection r = rejection(() -> host.setEnabled(false, "x".repeat(256)));

    assertEquals(Reason.INVALID_ARGUMENT, r.reason());
    assertEquals(before, json(host.get()));
  }

  // ---- cleanup list

  @Test
  void cleanupItemsAreAddedIdempotentlyByIdAndRemovedWhenDone() {
    HostWorkflow host = startWithPlacement();
    host.addCleanup(item("a", "first"));
    host.addCleanup(item("a", "the same work again"));
    host.addCleanup(item("b", "second"));
    host.addCleanup(item("c", "third"));

    eventually(() -> assertEquals(List.of("a", "b", "c"), ids(host.get().cleanup)));
    assertEquals("first", host.get().cleanup.get(0).reason());

    host.cleanupDone(List.of("a", "c", "unknown"));

    eventually(() -> assertEquals(List.of("b"), ids(host.get().cleanup)));
  }

  @Test
  void unmanagedDomainsReportedByTheAgentAreKept() {
    HostWorkflow host = startWithPlacement();
    host.reportUnmanaged(List.of("legacy-1", "legacy-2"));
    eventually(() -> assertEquals(List.of("legacy-1", "legacy-2"), host.get().unmanagedDomains));
  }

  private static List<String> ids(List<CleanupItem> items) {
    return items.stream().map(CleanupItem::id).toList();
  }

  // ---- placement not there yet

  @Test
  void aHostStartedBeforePlacementRetriesTellingItInsteadOfSpinning() {
    // No placement yet: telling it fails.
    HostWorkflow host = t.startHost(H1);
    String firstRun = t.runId(HOST_ID);
    sleepRealTime(Duration.ofSeconds(2));

    // Without a retry pause each failed signal costs a workflow task: the history would balloon.
    assertEquals(firstRun, t.runId(HOST_ID), "continued as new while placement was missing");
    int events = t.history(HOST_ID).size();
    assertTrue(events < 40, "history grew to " + events + " events within 2 s");

    placement = t.startPlacement();
    t.env.sleep(Duration.ofSeconds(6)); // past PLACEMENT_RETRY
    awaitPlacementSees(new HostSummary(H1, HostStatus.DOWN, true, false, null));
    assertEquals(HostStatus.DOWN, host.get().status);
  }

  // ---- bounded history

  @Test
  void hostContinuesAsNewUnderManySignalsAndKeepsItsRecordAndLease() {
    HostWorkflow host = startWithPlacement();
    host.register(registration("inc-1"));
    host.setEnabled(false, "draining");
    lease.awaitHoldsStarted("inc-1", 1);
    t.cleanup(H1).allFailing("libvirt unreachable"); // the items stay owed
    String firstRun = t.runId(HOST_ID);

    // Signals arriving together share a workflow task: send until the run changes (bounded).
    int sent = 0;
    while (sent < 2000 && (sent % 50 != 0 || firstRun.equals(t.runId(HOST_ID)))) {
      host.addCleanup(item("item-" + sent, "stale copy " + sent));
      sent++;
    }
    int n = sent;
    List<String> done = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      done.add("item-" + i);
    }
    host.cleanupDone(done);

    eventually(() -> assertNotEquals(firstRun, t.runId(HOST_ID), "never continued as new"));
    eventually(() -> assertEquals(n - 100, host.get().cleanup.size()));
    assertEquals(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, lastEvent(HOST_ID, firstRun));
    assertTrue(t.history(HOST_ID).size() <= Entities.MAX_HISTORY_EVENTS + 10);
    HostRecord record = host.get();
    assertEquals("item-100", record.cleanup.get(0).id());
    assertEquals("item-" + (n - 1), record.cleanup.get(record.cleanup.size() - 1).id());
    assertEquals(HostStatus.UP, record.status);
    assertEquals("inc-1", record.incarnation);
    assertFalse(record.enabled);
    assertEquals("draining", record.disabledReason);
    // The new run holds a lease of its own for the same incarnation, and the host stays UP.
    lease.awaitHoldsStarted("inc-1", 2);
    eventually(() -> assertEquals(1, lease.holdsRunning("inc-1")));
    assertEquals(HostStatus.UP, host.get().status);
    awaitPlacementSees(registered(HostStatus.UP, false, false));
  }

  private EventType lastEvent(String workflowId, String runId) {
    var events = t.history(workflowId, runId);
    return events.get(events.size() - 1).getEventType();
  }

  private static void sleepRealTime(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
