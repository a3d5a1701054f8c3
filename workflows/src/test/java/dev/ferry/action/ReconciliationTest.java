package dev.ferry.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.ActionOutcome;
import dev.ferry.model.DomainView;
import dev.ferry.model.GuestState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a reconcile concludes from the hosts' answers: one table of cases. */
class ReconciliationTest {

  private static final String ID = "0b1c2a3b-7d4e-4f60-8a9b-0c1d2e3f4a5b";

  private static HostFinding on(String host, GuestState state, long epoch) {
    return HostFinding.answered(
        host,
        new DomainView(true, ID, "app-1", state.powerState(), 1, 256, ID, epoch, null, state));
  }

  private static HostFinding none(String host) {
    return HostFinding.answered(host, DomainView.absent(ID));
  }

  private static ActionOutcome decide(String recordHost, HostFinding... findings) {
    return Reconciliation.decide("r1", recordHost, List.of(findings));
  }

  @Test
  void theOneRunningCopyIsTheServerWhereverTheRecordPointed() {
    ActionOutcome o =
        decide("h1", on("h1", GuestState.SHUT_OFF, 1), on("h2", GuestState.RUNNING, 2), none("h3"));
    assertTrue(o.succeeded());
    assertEquals("h2", o.host());
    assertEquals(2L, o.epoch());
    assertEquals(GuestState.RUNNING, o.guest());
    assertEquals(
        "found RUNNING on h2 (epoch 2); also defined on h1 (epoch 1, SHUT_OFF)", o.message());
  }

  @Test
  void twoRunningCopiesAreRefusedNamingBothHosts() {
    ActionOutcome o = decide("h1", on("h1", GuestState.RUNNING, 1), on("h2", GuestState.PAUSED, 2));
    assertFalse(o.succeeded());
    assertNull(o.guest());
    assertTrue(o.message().startsWith("the guest runs on h1 and h2 at once"), o.message());
  }

  @Test
  void withNothingRunningTheRecordsHostKeepsItsCopy() {
    ActionOutcome o =
        decide("h1", on("h1", GuestState.SHUT_OFF, 1), on("h2", GuestState.SHUT_OFF, 2));
    assertEquals("h1", o.host());
    assertEquals(GuestState.SHUT_OFF, o.guest());
  }

  @Test
  void elsewhereTheNewestEpochWinsAndATieIsRefused() {
    assertEquals(
        "h3",
        decide("h1", none("h1"), on("h2", GuestState.SAVED, 1), on("h3", GuestState.SHUT_OFF, 4))
            .host());
    ActionOutcome tie =
        decide(
            "h1", none("h1"), on("h2", GuestState.SHUT_OFF, 3), on("h3", GuestState.SHUT_OFF, 3));
    assertFalse(tie.succeeded());
    assertTrue(tie.message().contains("h2 and h3"), tie.message());
  }

  @Test
  void aDownHostIsUnknownNeverAbsent() {
    ActionOutcome o = decide("h1", HostFinding.unknown("h1", "DOWN"), none("h2"));
    assertFalse(o.succeeded());
    assertTrue(o.message().contains("unknown on h1 (DOWN)"), o.message());
    // found elsewhere, the down host does not block the answer
    ActionOutcome found =
        decide("h1", HostFinding.unknown("h1", "DOWN"), on("h2", GuestState.RUNNING, 2));
    assertEquals("h2", found.host());
    assertTrue(found.message().endsWith("; not asked: h1"), found.message());
  }

  @Test
  void missingOnlyWhenEveryHostAnswered() {
    ActionOutcome o = decide("h1", none("h1"), none("h2"));
    assertTrue(o.succeeded());
    assertEquals(GuestState.MISSING, o.guest());
    assertEquals("h1", o.host());
  }
}
