package dev.ferry.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.model.DomainSpec;
import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavor;
import dev.ferry.model.PowerState;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every {@link HypervisorActivities} call that changes a host, run twice with the same input as
 * Temporal retries it when the agent crashed after doing the work and before reporting it: the
 * retry succeeds (or is refused exactly as the first call was), returns an equivalent result and
 * changes nothing more on the host ({@link HostSnapshot}: no second domain, same XML, same power
 * state, same autostart and managed-save image). On libvirt's test driver, host-a of the test
 * resources, fresh for every test.
 */
class IdempotentRetryTest {

  private static final String WEB = "5e1f3c2a-9d8b-4c7e-a6f5-0123456789ab";
  private static final String LEGACY_WEB = "aaaaaaaa-0000-4000-8000-000000000001";
  private static final String LEGACY_DB = "aaaaaaaa-0000-4000-8000-000000000002";
  private static final String STALE_COPY = "bbbbbbbb-0000-4000-8000-000000000003";
  private static final DomainSpec WEB_SPEC =
      new DomainSpec(WEB, "web-1", new Flavor("m1.small", 1, 256, 1), 3, null, null, null);

  private LibvirtConnection connection;
  private TestActivityEnvironment env;
  private HypervisorActivities hypervisor;

  @BeforeEach
  void startHost() {
    connection = LibvirtConnection.open(TestHosts.uri(TestHosts.HOST_A));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new LibvirtHypervisorActivities(
            connection, new GuestTemplate(GuestTemplate.Settings.none())));
    hypervisor =
        env.newActivityStub(
            HypervisorActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setHeartbeatTimeout(Duration.ofSeconds(10))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
  }

  @AfterEach
  void stopHost() {
    env.close();
    connection.close();
  }

  @Test
  void defineRetriedDefinesOneDomainWithTheSameXml() {
    int before = HostSnapshot.of(connection).domains().size();

    DomainView first = assertRetryChangesNothing(() -> hypervisor.define(WEB_SPEC));

    assertEquals(before + 1, HostSnapshot.of(connection).domains().size(), "one domain defined");
    assertEquals(3, first.epoch());
  }

  @Test
  void defineOfARunningDomainRetriedKeepsItRunningWithTheSameXml() {
    hypervisor.define(WEB_SPEC);
    hypervisor.powerOn(WEB);
    DomainSpec next =
        new DomainSpec(WEB, "web-1", new Flavor("m1.medium", 2, 512, 2), 4, null, null, null);

    DomainView first = assertRetryChangesNothing(() -> hypervisor.define(next));

    assertEquals(PowerState.RUNNING, first.powerState());
    assertEquals(4, first.epoch());
  }

  @Test
  void defineThatRenamesRetriedRenamesOnce() {
    hypervisor.define(WEB_SPEC);
    DomainSpec renamed = new DomainSpec(WEB, "web-renamed", WEB_SPEC.flavor(), 4, null, null, null);

    DomainView first = assertRetryChangesNothing(() -> hypervisor.define(renamed));

    assertEquals("web-renamed", first.name());
  }

  @Test
  void powerOnRetriedBootsOnce() {
    hypervisor.define(WEB_SPEC);

    DomainView first = assertRetryChangesNothing(() -> hypervisor.powerOn(WEB));

    assertEquals(PowerState.RUNNING, first.powerState());
  }

  @Test
  void powerOnFromAManagedSaveImageRetriedRestoresOnce() {
    hypervisor.define(WEB_SPEC);
    hypervisor.powerOn(WEB);
    hypervisor.managedSave(WEB);

    DomainView first = assertRetryChangesNothing(() -> hypervisor.powerOn(WEB));

    assertEquals(PowerState.RUNNING, first.powerState());
    assertFalse(HostSnapshot.of(connection).domains().get(WEB).managedSaveImage());
  }

  @Test
  void powerOnOfAPausedGuestRetriedResumesOnce() {
    hypervisor.define(WEB_SPEC);
    hypervisor.powerOn(WEB);
    hypervisor.pause(WEB);

    DomainView first = assertRetryChangesNothing(() -> hypervisor.powerOn(WEB));

    assertEquals(PowerState.RUNNING, first.powerState());
  }

  @Test
  void powerOffOfAPausedGuestRetriedLeavesTheDomainOff() {
    hypervisor.define(WEB_SPEC);
    hypervisor.powerOn(WEB);
    hypervisor.pause(WEB);

    DomainView first = assertRetryChangesNothing(() -> hypervisor.powerOff(WEB, 5));

    assertEquals(PowerState.SHUTDOWN, first.powerState());
  }

  @Test
  void powerOffRetriedLeavesTheDomainOff() {
    hypervisor.define(WEB_SPEC);
    hypervisor.powerOn(WEB);

    DomainView first = assertRetryChangesNothing(() -> hypervisor.powerOff(WEB, 5));

    assertEquals(PowerState.SHUTDOWN, first.powerState());
  }

  @Test
  void pauseRetriedLeavesTheGuestPaused() {
    hypervisor.define(WEB_SPEC);
    hypervisor.powerOn(WEB);

    DomainView first = assertRetryChangesNothing(() -> hypervisor.pause(WEB));

    assertEquals(PowerState.PAUSED, first.powerState());
  }

  @Test
  void managedSaveRetriedKeepsTheOneImageAndTheGuestStopped() {
    hypervisor.define(WEB_SPEC);
    hypervisor.powerOn(WEB);

    DomainView first = assertRetryChangesNothing(() -> hypervisor.managedSave(WEB));

    assertEquals(PowerState.SHUTDOWN, first.powerState());
    assertTrue(HostSnapshot.of(connection).domains().get(WEB).managedSaveImage());
  }

  /**
   * The one call whose retry answers differently, as documented: the first returns what it found
   * before removing, the retry finds nothing and says so. Both tell the caller that no copy of that
   * epoch or older is left.
   */
  @Test
  void removeRetriedRemovesNothingMoreAndReportsTheDomainAbsent() {
    hypervisor.define(WEB_SPEC);
    hypervisor.powerOn(WEB);

    DomainView first = hypervisor.remove(WEB, 3);
    HostSnapshot after = HostSnapshot.of(connection);
    DomainView retry = hypervisor.remove(WEB, 3);

    assertEquals(PowerState.RUNNING, first.powerState(), "the first call found it running");
    assertEquals(DomainView.absent(WEB), retry);
    assertEquals(after, HostSnapshot.of(connection));
    assertFalse(after.domains().containsKey(WEB));
  }

  @Test
  void removeOfANewerEpochRetriedKeepsTheCopy() {
    DomainView first = assertRetryChangesNothing(() -> hypervisor.remove(STALE_COPY, 1));

    assertEquals(2, first.epoch());
    assertTrue(HostSnapshot.of(connection).domains().containsKey(STALE_COPY));
  }

  @Test
  void removeOfAnUntaggedDomainRetriedIsRefusedAgainAsInvalidState() {
    retriedIsRefusedTheSameAndChangesNothing(
        Reason.INVALID_STATE, () -> hypervisor.remove(LEGACY_DB, 1_000));

    assertTrue(HostSnapshot.of(connection).domains().containsKey(LEGACY_DB));
  }

  @Test
  void adoptRetriedKeepsTheTagAndTheRunningGuest() {
    DomainView first = assertRetryChangesNothing(() -> hypervisor.adopt("legacy-web"));

    assertEquals(LEGACY_WEB, first.ferryInstanceId());
    assertEquals(0, first.epoch());
    assertEquals(PowerState.RUNNING, first.powerState());
  }

  @Test
  void adoptOfAnUnknownNameRetriedIsRefusedAgainAsUnknownInstance() {
    retriedIsRefusedTheSameAndChangesNothing(
        Reason.UNKNOWN_INSTANCE, () -> hypervisor.adopt("nope"));
  }

  @Test
  void pauseOfAGuestThatDoesNotRunRetriedIsRefusedAgainAsInvalidState() {
    hypervisor.define(WEB_SPEC);

    retriedIsRefusedTheSameAndChangesNothing(Reason.INVALID_STATE, () -> hypervisor.pause(WEB));
  }

  @Test
  void readsChangeNothing() {
    HostSnapshot before = HostSnapshot.of(connection);

    hypervisor.hostFacts();
    hypervisor.listDomains();
    hypervisor.inspect(LEGACY_WEB);
    hypervisor.inspect(WEB);

    assertEquals(before, HostSnapshot.of(connection));
  }

  @Test
  void theSnapshotSeesWhatTheActivitiesChange() throws Exception {
    HostSnapshot empty = HostSnapshot.of(connection);
    hypervisor.define(WEB_SPEC);
    HostSnapshot defined = HostSnapshot.of(connection);
    hypervisor.powerOn(WEB);
    HostSnapshot running = HostSnapshot.of(connection);
    hypervisor.managedSave(WEB);
    HostSnapshot saved = HostSnapshot.of(connection);
    connection.call(
        c -> {
          c.domainLookupByUUIDString(WEB).setAutostart(true);
          return null;
        });

    assertFalse(empty.equals(defined), "a new domain");
    assertFalse(defined.equals(running), "a power state");
    assertFalse(running.equals(saved), "a managed-save image");
    assertFalse(saved.equals(HostSnapshot.of(connection)), "autostart");
  }

  // --- the retry ---

  private <T> T assertRetryChangesNothing(Supplier<T> call) {
    return HostSnapshot.assertRetryChangesNothing(connection, call);
  }

  /** Runs {@code call} twice: refused both times with {@code reason}, the host unchanged. */
  private void retriedIsRefusedTheSameAndChangesNothing(Reason reason, Runnable call) {
    HostSnapshot before = HostSnapshot.of(connection);
    ApplicationFailure first = rejection(reason, call);
    ApplicationFailure retry = rejection(reason, call);

    assertEquals(first.getOriginalMessage(), retry.getOriginalMessage());
    assertEquals(before, HostSnapshot.of(connection), "a refusal changes nothing on the host");
  }

  private static ApplicationFailure rejection(Reason reason, Runnable call) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, call::run);
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertTrue(cause.isNonRetryable(), cause::toString);
    assertEquals(reason, FerryRejection.from(failure).orElseThrow().reason(), cause::toString);
    return cause;
  }
}
