package dev.ferry.host;

import static dev.ferry.testing.FerryTestEnv.H1;
import static dev.ferry.testing.FerryTestEnv.INVENTORY;
import static dev.ferry.testing.FerryTestEnv.registration;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import dev.ferry.model.Names;
import dev.ferry.testing.FerryTestEnv;
import dev.ferry.testing.ScriptedLease;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * One source of truth for the lease period: the agent announces its {@code ferry.host.lease-period}
 * when it registers, and that incarnation's leases get it (plus a margin) as their StartToClose, so
 * an agent configured with a longer period than the default is not timed out every period.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class HostLeasePeriodTest {

  private static final String HOST_ID = Names.hostWorkflowId(H1);

  private FerryTestEnv t;
  private ScriptedLease lease;

  @BeforeEach
  void setUp() {
    t = new FerryTestEnv();
    lease = t.lease(H1);
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  @Test
  void theAnnouncedPeriodPlusTheMarginIsTheLeasesStartToClose() {
    t.startPlacement();
    HostWorkflow host = t.startHost(H1);

    HostRecord record = host.register(registration("inc-1", INVENTORY, Duration.ofMinutes(15)));

    assertEquals(Duration.ofMinutes(15), record.leasePeriod);
    lease.awaitHoldsStarted("inc-1", 1);
    assertEquals(List.of(Duration.ofMinutes(16)), leaseStartToCloses());
  }

  @Test
  void aRegistrationWithoutAPeriodGetsTheDefault() {
    t.startPlacement();
    HostWorkflow host = t.startHost(H1);

    HostRecord record = host.register(registration("inc-1", INVENTORY, null));

    assertNull(record.leasePeriod);
    lease.awaitHoldsStarted("inc-1", 1);
    assertEquals(
        List.of(HostWorkflowImpl.LEASE_PERIOD.plus(HostWorkflowImpl.LEASE_END_MARGIN)),
        leaseStartToCloses());
  }

  @Test
  void eachIncarnationsLeasesGetItsOwnPeriodAndRenewalsKeepIt() {
    t.startPlacement();
    HostWorkflow host = t.startHost(H1);
    host.register(registration("inc-1", INVENTORY, Duration.ofMinutes(15)));
    lease.awaitHoldsStarted("inc-1", 1);

    host.register(registration("inc-2", INVENTORY, Duration.ofMinutes(3)));
    lease.awaitHoldsStarted("inc-2", 1);
    lease.end("inc-2", HostLeaseActivities.LeaseEnd.RENEW);
    lease.awaitHoldsStarted("inc-2", 2);

    assertEquals(
        List.of(Duration.ofMinutes(16), Duration.ofMinutes(4), Duration.ofMinutes(4)),
        leaseStartToCloses());
    assertEquals(HostStatus.UP, host.get().status);
  }

  @Test
  void thePeriodSurvivesTheWorkersJsonConverterSoContinueAsNewKeepsIt() {
    HostRecord r = new HostRecord();
    r.name = H1;
    r.incarnation = "inc-1";
    r.leasePeriod = Duration.ofMinutes(15);
    t.requireJsonRoundTrip(r);
    t.requireJsonRoundTrip(registration("inc-1", INVENTORY, Duration.ofMinutes(15)));
  }

  /** The StartToClose of every lease the current run scheduled, in order. */
  private List<Duration> leaseStartToCloses() {
    return t.history(HOST_ID).stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .map(HistoryEvent::getActivityTaskScheduledEventAttributes)
        .filter(a -> a.getActivityType().getName().equals("HostLeaseHold"))
        .map(a -> a.getStartToCloseTimeout())
        .map(d -> Duration.ofSeconds(d.getSeconds(), d.getNanos()))
        .toList();
  }
}
