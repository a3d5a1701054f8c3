package dev.ferry.host;

import static dev.ferry.testing.FerryTestEnv.H1;
import static dev.ferry.testing.FerryTestEnv.eventually;
import static dev.ferry.testing.FerryTestEnv.json;
import static dev.ferry.testing.FerryTestEnv.registration;
import static dev.ferry.testing.FerryTestEnv.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;

import dev.ferry.host.HostLeaseActivities.LeaseEnd;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostStatus;
import dev.ferry.model.Names;
import dev.ferry.model.Resources;
import dev.ferry.placement.Admission;
import dev.ferry.placement.PlacementWorkflow;
import dev.ferry.testing.FerryTestEnv;
import dev.ferry.testing.ScriptedLease;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * `host delete` on the real HostWorkflow and PlacementWorkflow: the conductor's placement activity
 * forwards forgetHost to placement as its implementation does (a refusal keeps its reason).
 */
@Timeout(value = 90, threadMode = ThreadMode.SEPARATE_THREAD)
class HostRetireTest {
  private static final String HOST_ID = Names.hostWorkflowId(H1);
  private static final Resources TINY = new Resources(1, 512, 1);

  private FerryTestEnv t;
  private PlacementWorkflow placement;
  private ScriptedLease lease;
  private HostWorkflow host;

  @BeforeEach
  void setUp() {
    t = new FerryTestEnv();
    lease = t.lease(H1);
    doAnswer(
            call -> {
              try {
                t.placement().forgetHost(call.getArgument(0));
                return null;
              } catch (RuntimeException e) {
                throw FerryRejection.from(e).map(r -> (RuntimeException) r.toFailure()).orElse(e);
              }
            })
        .when(t.placementActivities)
        .forgetHost(anyString());
    placement = t.startPlacement();
    host = t.startHost(H1);
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  private boolean placementKnows(String name) {
    return placement.view().hosts().stream().anyMatch(u -> u.host().name().equals(name));
  }

  /** Registered once, then its agent stopped: DOWN, no lease. */
  private void registerAndStopTheAgent() {
    host.register(registration("inc-1"));
    lease.awaitHoldsStarted("inc-1", 1);
    lease.end("inc-1", LeaseEnd.RELEASED);
    eventually(() -> assertEquals(HostStatus.DOWN, host.get().status));
    eventually(() -> assertEquals(0, lease.holdsRunning("inc-1")));
    eventually(() -> assertTrue(placementKnows(H1)));
  }

  private FerryRejection refusedUnchanged(Reason reason) {
    String before = json(host.get());
    FerryRejection r = rejection(host::retire);
    assertEquals(reason, r.reason(), r.getMessage());
    assertEquals(before, json(host.get()));
    assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, t.status(HOST_ID));
    assertTrue(placementKnows(H1), "placement forgot a host whose delete was refused");
    return r;
  }

  @Test
  void aDownHostWithNothingOnItIsForgottenByPlacementAndItsWorkflowEnds() {
    registerAndStopTheAgent();

    host.retire();

    eventually(
        () ->
            assertEquals(
                WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED, t.status(HOST_ID)));
    assertFalse(placementKnows(H1));
    FerryRejection r =
        rejection(() -> placement.claim(new ClaimRequest("move:m1", TINY, H1, List.of())));
    assertEquals(Reason.UNKNOWN_HOST, r.reason());
  }

  @Test
  void anAgentRegisteringAfterTheDeleteBringsTheHostBackAnew() {
    registerAndStopTheAgent();
    host.retire();
    eventually(
        () ->
            assertEquals(
                WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED, t.status(HOST_ID)));

    // As the agent's registrar does: start the host's workflow (the closed id is reused), register.
    HostWorkflow again = t.startHost(H1);
    again.register(registration("inc-2"));

    assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, t.status(HOST_ID));
    assertEquals(HostStatus.UP, again.get().status);
    lease.awaitHoldsStarted("inc-2", 1);
    eventually(
        () ->
            assertEquals(
                HostStatus.UP,
                placement.view().hosts().stream()
                    .filter(u -> u.host().name().equals(H1))
                    .findFirst()
                    .orElseThrow()
                    .host()
                    .status()));
  }

  @Test
  void refusedWhileTheAgentHoldsItsLease() {
    host.register(registration("inc-1"));
    lease.awaitHoldsStarted("inc-1", 1);
    eventually(() -> assertTrue(placementKnows(H1)));

    FerryRejection r = refusedUnchanged(Reason.HOST_IN_USE);
    assertTrue(r.getMessage().contains("stop its agent first"), r.getMessage());
  }

  @Test
  void refusedWhenForcedDownButItsAgentStillRuns() {
    host.register(registration("inc-1"));
    lease.awaitHoldsStarted("inc-1", 1);
    host.setForcedDown(true);
    eventually(() -> assertTrue(placementKnows(H1)));

    FerryRejection r = refusedUnchanged(Reason.HOST_IN_USE);
    assertTrue(r.getMessage().contains("forced down"), r.getMessage());
  }

  @Test
  void refusedWhileAServerIsPlacedOnIt() {
    registerAndStopTheAgent();
    placement.admit(new Admission("id-1", "web1", H1, TINY, true));

    FerryRejection r = refusedUnchanged(Reason.HOST_IN_USE);
    assertTrue(r.getMessage().contains("1 server on it (web1)"), r.getMessage());
    assertTrue(r.getMessage().contains("ferry host evacuate h1"), r.getMessage());
    // The refusal changed nothing: the host is still told to placement and can be deleted later.
    placement.forgetInstance("id-1");
    host.retire();
    eventually(
        () ->
            assertEquals(
                WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED, t.status(HOST_ID)));
  }

  @Test
  void refusedWhileItOwesCleanUps() {
    registerAndStopTheAgent();
    host.addCleanup(
        new CleanupItem("c1", CleanupItem.Kind.REMOVE_STALE_DOMAIN, "uuid-1", 3, null, "stale"));
    eventually(() -> assertEquals(1, host.get().cleanup.size()));

    FerryRejection r = refusedUnchanged(Reason.HOST_IN_USE);
    assertTrue(r.getMessage().contains("owes 1 clean-up"), r.getMessage());
  }

  @Test
  void refusedWhileALiveMigrationHoldsASlot() {
    registerAndStopTheAgent();
    assertTrue(host.acquireSlot("m1"));

    FerryRejection r = refusedUnchanged(Reason.HOST_IN_USE);
    assertTrue(r.getMessage().contains("m1"), r.getMessage());
  }
}
