package dev.ferry.host.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When the agent suspects its lease is lost (it then asks its HostWorkflow). */
class LeaseWatchTest {
  private static final Duration QUIET_LIMIT = Duration.ofSeconds(15);

  private long now = 1_000_000_000L;
  private final LeaseWatch watch = new LeaseWatch("inc-1", QUIET_LIMIT, () -> now);

  private void advance(Duration d) {
    now += d.toNanos();
  }

  @Test
  void justRegisteredTheLeaseHasTheQuietLimitToArrive() {
    advance(QUIET_LIMIT);
    assertFalse(watch.suspect());
    advance(Duration.ofMillis(1));
    assertTrue(watch.suspect());
  }

  @Test
  void aRunningLeaseIsNeverSuspectHoweverLongItRuns() {
    assertTrue(watch.started("inc-1"));
    advance(Duration.ofHours(1));
    assertFalse(watch.suspect());
  }

  @Test
  void noLeaseForLongerThanTheQuietLimitAfterOneEndedIsSuspect() {
    watch.started("inc-1");
    advance(Duration.ofMinutes(10));
    watch.ended("inc-1"); // RENEW, but the next lease never comes (lost between renewals)
    advance(QUIET_LIMIT);
    assertFalse(watch.suspect());
    advance(Duration.ofSeconds(1));
    assertTrue(watch.suspect());
    assertEquals("no lease for 16 s", watch.suspicion());

    watch.started("inc-1"); // it came after all (the conductor was away)
    assertFalse(watch.suspect());
  }

  @Test
  void aRefusedHeartbeatIsSuspectAtOnceUntilANewLeaseStarts() {
    watch.started("inc-1");
    watch.refused("inc-1");
    watch.ended("inc-1");
    assertTrue(watch.suspect());
    assertEquals("a heartbeat of the lease was refused", watch.suspicion());

    watch.started("inc-1"); // continued as new: the new run granted a lease
    assertFalse(watch.suspect());
  }

  @Test
  void aNewIncarnationMakesTheOldOnesLeasesStaleAndStartsAfresh() {
    watch.started("inc-1");
    watch.refused("inc-1");

    watch.replace("inc-2");

    assertFalse(watch.suspect());
    assertEquals("inc-2", watch.incarnation());
    assertFalse(watch.started("inc-1"), "a lease of the old incarnation is stale");
    watch.refused("inc-1");
    watch.ended("inc-1");
    assertFalse(watch.suspect(), "what the old incarnation's lease does counts for nothing");
    advance(QUIET_LIMIT.plusSeconds(1));
    assertTrue(watch.suspect(), "the new incarnation's lease has the quiet limit to arrive");
    assertTrue(watch.started("inc-2"));
    assertFalse(watch.suspect());
  }
}
