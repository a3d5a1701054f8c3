package dev.ferry.host;

import static dev.ferry.testing.FerryTestEnv.H1;
import static dev.ferry.testing.FerryTestEnv.eventually;
import static dev.ferry.testing.FerryTestEnv.registration;
import static dev.ferry.testing.FerryTestEnv.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.CleanupItem;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostRecord;
import dev.ferry.testing.FerryTestEnv;
import dev.ferry.testing.RecordUnitCorpus;
import dev.ferry.testing.ScriptedCleanup;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * Cleanup items that reach a host while its agent serves are carried out at once, not at the
 * agent's next start; a failing one stays owed with its reason and keeps placement away until an
 * operator retries or drops it.
 */
@Timeout(value = 90, threadMode = ThreadMode.SEPARATE_THREAD)
@RecordUnitCorpus({HostWorkflowImpl.class})
class HostCleanupOnArrivalTest {
  private FerryTestEnv t;
  private ScriptedCleanup agent;
  private HostWorkflow host;

  @BeforeEach
  void setUp() {
    t = new FerryTestEnv();
    agent = t.cleanup(H1);
    t.startPlacement();
    host = t.startHost(H1);
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  private void serving() {
    host.register(registration("inc-1"));
    t.lease(H1).awaitHoldsStarted("inc-1", 1);
  }

  private static CleanupItem item(String id) {
    return new CleanupItem(
        id, CleanupItem.Kind.REMOVE_STALE_DOMAIN, "uuid-" + id, 3, null, "stale copy " + id);
  }

  @Test
  void anItemThatArrivesWhileTheAgentServesIsCarriedOutAtOnce() {
    serving();

    host.addCleanup(item("a"));

    eventually(() -> assertTrue(host.get().cleanup.isEmpty()));
    assertEquals(List.of(List.of("a")), agent.calls);
    assertTrue(host.get().enabled);
  }

  @Test
  void itemsOwedWhileTheHostIsDownWaitForItsAgent() throws Exception {
    host.addCleanup(item("a"));
    Thread.sleep(1_000);
    assertEquals(List.of(), agent.calls, "no agent serves: the item waits");

    serving();

    eventually(() -> assertTrue(host.get().cleanup.isEmpty()));
    assertEquals(List.of(List.of("a")), agent.calls);
  }

  @Test
  void aFailedItemStaysOwedDisablesTheHostAndIsSentAgainOnlyWhenRetried() throws Exception {
    serving();
    agent.failing("a", "domain busy");

    host.addCleanup(item("a"));

    eventually(() -> assertEquals("domain busy", host.get().cleanupFailures.get("a")));
    HostRecord failed = host.get();
    assertEquals(List.of("a"), failed.cleanup.stream().map(CleanupItem::id).toList());
    assertFalse(failed.enabled);
    assertEquals("AUTO: cleanup failed: a (stale copy a): domain busy", failed.disabledReason);
    host.addCleanup(item("b"));
    eventually(() -> assertEquals(List.of(List.of("a"), List.of("b")), agent.calls));
    Thread.sleep(500);
    assertEquals(2, agent.calls.size(), "the failed item is not sent again by itself");

    agent.succeeding("a");
    host.retryCleanup();

    eventually(() -> assertTrue(host.get().cleanup.isEmpty()));
    HostRecord retried = host.get();
    assertTrue(retried.cleanupFailures.isEmpty());
    assertTrue(retried.enabled, "its own disable is lifted");
    assertNull(retried.disabledReason);
  }

  @Test
  void anOperatorDropsAFailedItemAndTheHostIsEnabledAgain() {
    serving();
    agent.failing("a", "domain busy");
    host.addCleanup(item("a"));
    eventually(() -> assertFalse(host.get().enabled));

    HostRecord dropped = host.dropCleanup("a");

    assertTrue(dropped.cleanup.isEmpty());
    assertTrue(dropped.cleanupFailures.isEmpty());
    assertTrue(dropped.enabled);
    assertEquals(1, agent.calls.size(), "dropped, not carried out");
  }

  @Test
  void anOperatorsDisableStaysWhileAnItemFailsAndAfter() {
    serving();
    host.setEnabled(false, "maintenance");
    agent.failing("a", "domain busy");

    host.addCleanup(item("a"));
    eventually(() -> assertEquals("domain busy", host.get().cleanupFailures.get("a")));
    assertEquals("maintenance", host.get().disabledReason);

    host.dropCleanup("a");
    assertFalse(host.get().enabled);
    assertEquals("maintenance", host.get().disabledReason);
  }

  @Test
  void droppingAnItemTheHostDoesNotOweIsRefusedAndChangesNothing() {
    serving();
    HostRecord before = host.get();

    assertEquals(Reason.INVALID_ARGUMENT, rejection(() -> host.dropCleanup("nope")).reason());
    assertEquals(before.enabled, host.get().enabled);
  }
}
