package dev.ferry.entities;

import static dev.ferry.testing.FerryTestEnv.H1;
import static dev.ferry.testing.FerryTestEnv.eventually;
import static dev.ferry.testing.FerryTestEnv.registration;
import static dev.ferry.testing.WebUiMetadata.currentDetails;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.host.HostWorkflow;
import dev.ferry.model.Names;
import dev.ferry.testing.FerryTestEnv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * The long-lived entities say where they stand in their current details (what the Web UI shows;
 * their static summaries do not survive continue-as-new), and the details follow every handler
 * without waiting for the entity's next round. Real time: the host's lease locks time skipping.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class EntityDetailsTest {

  private FerryTestEnv t;

  @BeforeEach
  void setUp() {
    t = new FerryTestEnv();
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  @Test
  void hostAndPlacementDetailsFollowRegistrationAndDisabling() {
    t.startPlacement();
    HostWorkflow host = t.startHost(H1);
    String hostId = Names.hostWorkflowId(H1);
    eventually(() -> assertEquals("h1: DOWN, enabled", currentDetails(t.client, hostId)));
    eventually(
        () ->
            assertEquals(
                "1 host (0 up), 0 servers, 0 moves holding claims",
                currentDetails(t.client, Names.PLACEMENT_WORKFLOW_ID)));

    host.register(registration("inc-1"));
    t.lease(H1).awaitHoldsStarted("inc-1", 1);
    host.setEnabled(false, "maintenance");

    eventually(
        () -> assertEquals("h1: UP, disabled (maintenance)", currentDetails(t.client, hostId)));
    eventually(
        () ->
            assertEquals(
                "1 host (1 up), 0 servers, 0 moves holding claims",
                currentDetails(t.client, Names.PLACEMENT_WORKFLOW_ID)));
  }
}
