package dev.ferry.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.model.DomainSpec;
import dev.ferry.model.DomainView;
import dev.ferry.model.Flavor;
import dev.ferry.model.PowerState;
import dev.ferry.model.ShutdownWait;
import dev.ferry.model.ShutdownWait.GuestReadiness;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The power-off against libvirt's test driver (host-a, fresh for every test): when it destroys, and
 * the {@link ShutdownWait} heartbeats of its ACPI wait. The test driver's guests obey ACPI at once;
 * a guest that ignores it is simulated by not sending the request.
 */
@Timeout(30)
class PowerOffTest {

  private static final String WEB = "5e1f3c2a-9d8b-4c7e-a6f5-0123456789ab";
  private static final String LEGACY_WEB = "aaaaaaaa-0000-4000-8000-000000000001";
  private static final Flavor SMALL = new Flavor("m1.small", 1, 256, 1);

  private final List<ShutdownWait> heartbeats = new CopyOnWriteArrayList<>();
  private final AtomicBoolean guestIgnoresAcpi = new AtomicBoolean();
  private final MutableClock clock = new MutableClock();
  private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
  private LibvirtConnection connection;
  private TestActivityEnvironment env;
  private HypervisorActivities hypervisor;

  @BeforeEach
  void startHost() {
    connection = LibvirtConnection.open(TestHosts.uri(TestHosts.HOST_A));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new LibvirtHypervisorActivities(
            connection,
            new GuestTemplate(GuestTemplate.Settings.none()),
            new DomainStarts(clock),
            domain -> {
              if (!guestIgnoresAcpi.get()) {
                GracefulShutdown.ACPI.send(domain);
              }
            }));
    env.setActivityHeartbeatListener(ShutdownWait.class, heartbeats::add);
    hypervisor =
        env.newActivityStub(
            HypervisorActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                // the SDK sends heartbeats every 0.8 s then, about as often as the agent (1 s)
                .setHeartbeatTimeout(Duration.ofSeconds(1))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
  }

  @AfterEach
  void stopHost() {
    later.shutdownNow();
    env.close();
    connection.close();
  }

  // --- when it destroys

  @Test
  void aGuestThatHearsAcpiShutsDownWithoutDestroyOrWait() {
    defineAndPowerOn(WEB);

    DomainView view = hypervisor.powerOff(WEB, 5);

    assertEquals(PowerState.SHUTDOWN, view.powerState());
    assertEquals("shut off: shutdown", reason(WEB), "not destroyed");
    assertEquals(List.of(), heartbeats, "the test driver's ACPI shutdown is immediate: no wait");
  }

  @Test
  void isIdempotent() {
    hypervisor.define(spec(WEB));

    assertEquals(PowerState.SHUTDOWN, hypervisor.powerOff(WEB, 5).powerState());
    assertEquals(PowerState.SHUTDOWN, hypervisor.powerOff(WEB, 5).powerState());
    assertEquals(List.of(), heartbeats);
  }

  @Test
  void noGracePeriodMeansDestroyAtOnce() {
    DomainView view = hypervisor.powerOff(LEGACY_WEB, 0);

    assertEquals(PowerState.SHUTDOWN, view.powerState());
    assertEquals("shut off: destroyed", reason(LEGACY_WEB));
    assertEquals(List.of(), heartbeats, "no wait to tell of");
  }

  @Test
  void aPausedGuestCannotHearAcpiAndIsDestroyedAtOnce() throws Exception {
    connection.call(
        c -> {
          c.domainLookupByUUIDString(LEGACY_WEB).suspend();
          return null;
        });
    long start = System.nanoTime();

    DomainView view = hypervisor.powerOff(LEGACY_WEB, 30);

    assertEquals(PowerState.SHUTDOWN, view.powerState());
    assertEquals("shut off: destroyed", reason(LEGACY_WEB));
    assertEquals(List.of(), heartbeats);
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10, "no ACPI wait");
  }

  @Test
  void aGuestThatIgnoresAcpiIsDestroyedAfterTheWindow() {
    defineAndPowerOn(WEB);
    guestIgnoresAcpi.set(true);
    long start = System.nanoTime();

    DomainView view = hypervisor.powerOff(WEB, 1);

    assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 1000, "waited 1 s");
    assertEquals(PowerState.SHUTDOWN, view.powerState());
    assertEquals("shut off: destroyed", reason(WEB));
  }

  // --- what the wait heartbeats

  @Test
  void rightAfterThisAgentStartedTheGuestItIsBooting() {
    defineAndPowerOn(WEB);
    clock.advance(Duration.ofSeconds(3));
    guestIgnoresAcpi.set(true);

    hypervisor.powerOff(WEB, 1);

    ShutdownWait first = heartbeats.get(0);
    assertEquals(GuestReadiness.BOOTING, first.guest(), heartbeats::toString);
    assertEquals(3L, first.startedSecondsAgo());
    assertEquals(1, first.gracefulSeconds());
    assertTrue(first.waitedMillis() >= GracefulShutdown.POLL.toMillis(), first::toString);
  }

  @Test
  void aGuestStartedLongerAgoIsNoLongerBooting() {
    defineAndPowerOn(WEB);
    clock.advance(ShutdownReadiness.STILL_BOOTING.plusSeconds(1));
    guestIgnoresAcpi.set(true);

    hypervisor.powerOff(WEB, 1);

    ShutdownWait first = heartbeats.get(0);
    assertEquals(GuestReadiness.UNKNOWN, first.guest(), "test:/// guests have no guest agent");
    assertEquals(61L, first.startedSecondsAgo());
  }

  @Test
  void aGuestThisAgentDidNotStartIsUnknown() {
    guestIgnoresAcpi.set(true);

    hypervisor.powerOff(LEGACY_WEB, 1);

    assertFalse(heartbeats.isEmpty());
    assertTrue(
        heartbeats.stream()
            .allMatch(h -> h.guest() == GuestReadiness.UNKNOWN && h.startedSecondsAgo() == null),
        heartbeats::toString);
  }

  @Test
  void aRestoreFromAManagedSaveImageIsNoBoot() {
    defineAndPowerOn(WEB);
    hypervisor.managedSave(WEB);
    hypervisor.powerOn(WEB); // resumes the saved OS
    guestIgnoresAcpi.set(true);

    hypervisor.powerOff(WEB, 1);

    assertEquals(GuestReadiness.UNKNOWN, heartbeats.get(0).guest());
  }

  @Test
  void aGuestOffAndStartedElsewhereIsNoLongerRemembered() throws Exception {
    defineAndPowerOn(WEB);
    hypervisor.powerOff(WEB, 5);
    connection.call(
        c -> {
          c.domainLookupByUUIDString(WEB).create(); // started by someone else
          return null;
        });
    guestIgnoresAcpi.set(true);

    hypervisor.powerOff(WEB, 1);

    assertNull(heartbeats.get(0).startedSecondsAgo());
    assertEquals(GuestReadiness.UNKNOWN, heartbeats.get(0).guest());
  }

  @Test
  void aRemovedGuestIsForgotten() throws Exception {
    defineAndPowerOn(WEB);
    hypervisor.remove(WEB, 1);
    hypervisor.define(spec(WEB));
    connection.call(
        c -> {
          c.domainLookupByUUIDString(WEB).create(); // started by someone else
          return null;
        });
    guestIgnoresAcpi.set(true);

    hypervisor.powerOff(WEB, 1);

    assertNull(heartbeats.get(0).startedSecondsAgo());
  }

  @Test
  void aCancelDuringTheWaitEndsItPromptlyAndLeavesTheGuestRunning() {
    defineAndPowerOn(WEB);
    guestIgnoresAcpi.set(true);
    AtomicLong cancelledAt = new AtomicLong();
    later.schedule(
        () -> {
          cancelledAt.set(System.nanoTime());
          env.requestCancelActivity();
        },
        1500,
        TimeUnit.MILLISECONDS);

    assertThrows(CanceledFailure.class, () -> hypervisor.powerOff(WEB, 20));

    long afterCancel = Duration.ofNanos(System.nanoTime() - cancelledAt.get()).toMillis();
    assertTrue(afterCancel < 1500, "ended " + afterCancel + " ms after the cancel");
    assertEquals(PowerState.RUNNING, hypervisor.inspect(WEB).powerState(), "not destroyed");
  }

  // --- helpers

  private void defineAndPowerOn(String uuid) {
    hypervisor.define(spec(uuid));
    hypervisor.powerOn(uuid);
  }

  private static DomainSpec spec(String uuid) {
    return new DomainSpec(uuid, "web-1", SMALL, 1, null, null, null);
  }

  private String reason(String uuid) {
    try {
      return connection.call(c -> StateReasons.of(c.domainLookupByUUIDString(uuid)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
