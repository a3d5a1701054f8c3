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
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.TemporalFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lease activity extends the agent's lease deadline only by a heartbeat answer it has seen. */
class LeaseHeartbeatDeadlineTest {
  private static final String ME = "incarnation-2";
  private static final Duration TICK = Duration.ofMillis(50);
  private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final LeaseDeadline deadline = new LeaseDeadline("host-a", clock::get);
  private final LeaseWatch watch = new LeaseWatch(ME, Duration.ofSeconds(15));
  private final List<Long> sentAt = new CopyOnWriteArrayList<>();
  private TestActivityEnvironment env;

  @BeforeEach
  void startEnvironment() {
    env = TestActivityEnvironment.newInstance();
  }

  @AfterEach
  void stopEnvironment() {
    env.close();
  }

  @Test
  void anAcknowledgedHeartbeatMakesTheLeaseLiveUntilItsSendTimePlusTheTimeoutLessTheMargin() {
    HostLeaseActivities lease = lease(answering(LeaseHeartbeats.Answer.ACKNOWLEDGED));

    assertEquals(LeaseEnd.RENEW, lease.hold(ME));

    assertFalse(sentAt.isEmpty());
    long lastSent = sentAt.get(sentAt.size() - 1);
    clock.set(lastSent + HEARTBEAT_TIMEOUT.minus(LeaseDeadline.MARGIN).toNanos() - 1);
    assertTrue(deadline.isLive());
    clock.incrementAndGet();
    assertFalse(deadline.isLive());
  }

  @Test
  void anUnansweredHeartbeatDoesNotExtendTheDeadlineNorEndTheLease() {
    HostLeaseActivities lease =
        lease(
            (token, incarnation) -> {
              sentAt.add(clock.get());
              throw new IllegalStateException("DEADLINE_EXCEEDED: no answer");
            });

    assertEquals(LeaseEnd.RENEW, lease.hold(ME));

    assertFalse(sentAt.isEmpty(), "heartbeats were sent");
    assertFalse(deadline.isLive(), "none answered: nothing proves the lease");
    assertFalse(watch.suspect(), "no answer is no refusal");
  }

  @Test
  void aHeartbeatTheServerNoLongerHasExpiresTheDeadlineAndMakesTheLeaseSuspect() {
    deadline.acknowledged(clock.get(), HEARTBEAT_TIMEOUT);
    clock.addAndGet(1);
    HostLeaseActivities lease = lease(answering(LeaseHeartbeats.Answer.GONE));

    assertThrows(TemporalFailure.class, () -> lease.hold(ME));

    assertFalse(deadline.isLive(), "refused: no write after it");
    assertTrue(watch.suspect(), "the agent looks at its HostWorkflow and registers again");
  }

  @Test
  void aHeartbeatAnsweredWithACancelRequestEndsTheLeaseAndExpiresTheDeadline() {
    deadline.acknowledged(clock.get(), HEARTBEAT_TIMEOUT);
    clock.addAndGet(1);
    HostLeaseActivities lease = lease(answering(LeaseHeartbeats.Answer.END_REQUESTED));

    assertThrows(TemporalFailure.class, () -> lease.hold(ME));

    assertFalse(deadline.isLive());
    assertTrue(watch.suspect());
  }

  @Test
  void aLeaseTheAgentReleasesAsItStopsExpiresTheDeadline() {
    deadline.acknowledged(clock.get(), HEARTBEAT_TIMEOUT);
    clock.addAndGet(1);
    assertTrue(deadline.isLive());
    HostLeaseActivities lease =
        lease(answering(LeaseHeartbeats.Answer.ACKNOWLEDGED), Duration.ofMinutes(1), () -> true);

    assertEquals(LeaseEnd.RELEASED, lease.hold(ME));

    assertFalse(deadline.isLive(), "its host goes DOWN: nothing still running here writes");
  }

  @Test
  void aCancelSeenByTheSdksHeartbeatExpiresTheDeadline() throws Exception {
    Thread cancel =
        new Thread(
            () -> {
              while (!deadline.isLive()) {
                Thread.onSpinWait();
              }
              env.requestCancelActivity();
            });
    cancel.start();
    HostLeaseActivities lease =
        lease(answering(LeaseHeartbeats.Answer.ACKNOWLEDGED), Duration.ofMinutes(1), () -> false);

    assertThrows(TemporalFailure.class, () -> lease.hold(ME));
    cancel.join();

    assertFalse(deadline.isLive());
    assertTrue(watch.suspect());
  }

  private LeaseHeartbeats answering(LeaseHeartbeats.Answer answer) {
    return (token, incarnation) -> {
      assertEquals(ME, incarnation);
      assertTrue(token != null && token.length > 0, "the running lease's task token");
      sentAt.add(clock.get());
      clock.addAndGet(Duration.ofMillis(20).toNanos()); // the answer takes a while
      return answer;
    };
  }

  private HostLeaseActivities lease(LeaseHeartbeats heartbeats) {
    return lease(heartbeats, Duration.ofMillis(300), () -> false);
  }

  private HostLeaseActivities lease(
      LeaseHeartbeats heartbeats, Duration period, BooleanSupplier shuttingDown) {
    LibvirtConnection connection = mock(LibvirtConnection.class);
    when(connection.isHealthy()).thenReturn(true);
    env.registerActivitiesImplementations(
        new HostLeaseActivitiesImpl(
            watch, deadline, heartbeats, connection, period, shuttingDown, TICK));
    return env.newActivityStub(
        HostLeaseActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(1))
            .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }
}
