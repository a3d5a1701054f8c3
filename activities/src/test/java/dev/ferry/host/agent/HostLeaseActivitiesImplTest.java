package dev.ferry.host.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.ferry.host.HostLeaseActivities;
import dev.ferry.host.HostLeaseActivities.LeaseEnd;
import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import dev.ferry.hypervisor.libvirt.TestHosts;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HostLeaseActivitiesImplTest {

  private static final String ME = "incarnation-2";
  private static final Duration TICK = Duration.ofMillis(50);
  private static final String LOCAL_TIMEOUT_BUFFER = "temporal.activity.localTimeoutBufferMs";

  private final List<String> heartbeats = new CopyOnWriteArrayList<>();
  private final AtomicBoolean shuttingDown = new AtomicBoolean();
  private final AtomicBoolean libvirtHealthy = new AtomicBoolean(true);
  private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
  private final LeaseWatch watch = new LeaseWatch(ME, Duration.ofSeconds(15));
  private TestActivityEnvironment env;

  @BeforeEach
  void startEnvironment() {
    env = TestActivityEnvironment.newInstance();
    env.setActivityHeartbeatListener(String.class, heartbeats::add);
  }

  @AfterEach
  void stopEnvironment() {
    later.shutdownNow();
    env.close();
  }

  @Test
  void aLeaseForAnotherIncarnationIsStaleAtOnce() {
    HostLeaseActivities lease = lease(connection(), Duration.ofMinutes(5), Duration.ofSeconds(10));

    assertEquals(LeaseEnd.STALE, lease.hold("incarnation-1"));
    assertEquals(List.of(), heartbeats);
  }

  @Test
  void heartbeatsUntilThePeriodEndsThenAsksForRenewal() {
    HostLeaseActivities lease = lease(connection(), Duration.ofMillis(400), Duration.ofSeconds(10));

    assertEquals(LeaseEnd.RENEW, lease.hold(ME));
    assertFalse(heartbeats.isEmpty());
    assertTrue(heartbeats.stream().allMatch(ME::equals), heartbeats.toString());
  }

  @Test
  void releasesTheLeaseWhenTheAgentShutsDown() {
    HostLeaseActivities lease = lease(connection(), Duration.ofMinutes(5), Duration.ofSeconds(10));
    later.schedule(() -> shuttingDown.set(true), 300, TimeUnit.MILLISECONDS);
    long start = System.nanoTime();

    assertEquals(LeaseEnd.RELEASED, lease.hold(ME));
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 5);
  }

  @Test
  void sendsNoHeartbeatWhileLibvirtIsLostButKeepsTheLeaseRunning() {
    libvirtHealthy.set(false);
    HostLeaseActivities lease = lease(connection(), Duration.ofMillis(600), Duration.ofSeconds(10));

    assertEquals(LeaseEnd.RENEW, lease.hold(ME));
    assertEquals(List.of(), heartbeats, "the HostWorkflow's heartbeat timeout must see silence");
  }

  @Test
  void aClosedTestHostConnectionIsLostLibvirt() {
    LibvirtConnection closed = LibvirtConnection.open(TestHosts.uri(TestHosts.HOST_B));
    closed.close();
    HostLeaseActivities lease = lease(closed, Duration.ofMillis(300), Duration.ofSeconds(10));

    assertEquals(LeaseEnd.RENEW, lease.hold(ME));
    assertEquals(List.of(), heartbeats);
  }

  @Test
  void heartbeatsResumeWhenLibvirtIsBack() {
    libvirtHealthy.set(false);
    later.schedule(() -> libvirtHealthy.set(true), 300, TimeUnit.MILLISECONDS);
    HostLeaseActivities lease = lease(connection(), Duration.ofMillis(800), Duration.ofSeconds(10));

    assertEquals(LeaseEnd.RENEW, lease.hold(ME));
    assertFalse(heartbeats.isEmpty());
  }

  /**
   * Silence longer than the heartbeat timeout: the server has timed the lease out, and the SDK's
   * next heartbeat (once libvirt is back) says so locally. The lease ends rather than pretending.
   */
  @Test
  void silenceLongerThanTheHeartbeatTimeoutEndsTheLease() {
    // the SDK waits heartbeat timeout + this buffer (5 s by default) before deciding locally
    System.setProperty(LOCAL_TIMEOUT_BUFFER, "100");
    try {
      later.schedule(() -> libvirtHealthy.set(false), 200, TimeUnit.MILLISECONDS);
      later.schedule(() -> libvirtHealthy.set(true), 2_000, TimeUnit.MILLISECONDS);
      HostLeaseActivities lease =
          lease(connection(), Duration.ofSeconds(10), Duration.ofSeconds(1));
      long start = System.nanoTime();

      assertThrows(TemporalFailure.class, () -> lease.hold(ME));
      assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 5, "not RENEW at 10 s");
      assertTrue(watch.suspect(), "the agent is told: it may have lost its lease");
    } finally {
      System.clearProperty(LOCAL_TIMEOUT_BUFFER);
    }
  }

  @Test
  void aCancelledLeaseEnds() {
    later.schedule(env::requestCancelActivity, 300, TimeUnit.MILLISECONDS);
    HostLeaseActivities lease = lease(connection(), Duration.ofMinutes(5), Duration.ofSeconds(1));

    assertThrows(CanceledFailure.class, () -> lease.hold(ME));
    assertTrue(watch.suspect(), "a refused heartbeat makes the lease suspect");
  }

  @Test
  void aLeaseThatRunsOrEndsNormallyIsNotSuspect() {
    HostLeaseActivities lease = lease(connection(), Duration.ofMillis(600), Duration.ofSeconds(10));
    List<Boolean> suspectWhileHeld = new CopyOnWriteArrayList<>();
    later.schedule(() -> suspectWhileHeld.add(watch.suspect()), 300, TimeUnit.MILLISECONDS);

    assertEquals(LeaseEnd.RENEW, lease.hold(ME));
    assertEquals(List.of(false), suspectWhileHeld);
    assertFalse(watch.suspect());
  }

  // ---- the agent registered again under a new incarnation (after it lost its lease)

  @Test
  void afterTheAgentRegisteredAgainALeaseOfTheOldIncarnationIsStaleAndTheNewOneIsHeld() {
    HostLeaseActivities lease = lease(connection(), Duration.ofMillis(300), Duration.ofSeconds(10));
    watch.replace("incarnation-3");

    assertEquals(LeaseEnd.STALE, lease.hold(ME));
    assertEquals(LeaseEnd.RENEW, lease.hold("incarnation-3"));
    assertTrue(heartbeats.stream().allMatch("incarnation-3"::equals), heartbeats.toString());
  }

  @Test
  void aLeaseOfTheOldIncarnationStillRunningEndsStaleWhenTheAgentRegistersAgain() {
    HostLeaseActivities lease = lease(connection(), Duration.ofMinutes(5), Duration.ofSeconds(10));
    later.schedule(() -> watch.replace("incarnation-3"), 300, TimeUnit.MILLISECONDS);
    long start = System.nanoTime();

    assertEquals(LeaseEnd.STALE, lease.hold(ME));
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 5);
    assertFalse(watch.suspect(), "the old lease ending says nothing about the new incarnation's");
  }

  private LibvirtConnection connection() {
    LibvirtConnection connection = mock(LibvirtConnection.class);
    when(connection.isHealthy()).thenAnswer(call -> libvirtHealthy.get());
    return connection;
  }

  private HostLeaseActivities lease(
      LibvirtConnection connection, Duration period, Duration heartbeatTimeout) {
    env.registerActivitiesImplementations(
        new HostLeaseActivitiesImpl(
            watch,
            new LeaseDeadline("host-a"),
            (token, incarnation) -> LeaseHeartbeats.Answer.ACKNOWLEDGED,
            connection,
            period,
            shuttingDown::get,
            TICK));
    return env.newActivityStub(
        HostLeaseActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(10))
            .setHeartbeatTimeout(heartbeatTimeout)
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }
}
