package dev.ferry.hypervisor.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.model.DomainSpec;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server actions' own libvirt calls (pause, managed save; resume is a power-on) against
 * libvirt's test driver: idempotent, and refused on a guest that does not run.
 */
class GuestActionsOnLibvirtTest {

  private static final String APP = "7a1f3c2a-9d8b-4c7e-a6f5-0123456789ab";

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
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
    hypervisor.define(
        new DomainSpec(APP, "app-1", new Flavor("m1.small", 1, 256, 1), 1, null, null, null));
  }

  @AfterEach
  void stopHost() {
    env.close();
    connection.close();
  }

  @Test
  void pauseStopsTheVcpusOnceAndPowerOnResumes() {
    hypervisor.powerOn(APP);
    assertEquals(PowerState.PAUSED, hypervisor.pause(APP).powerState());
    assertEquals(PowerState.PAUSED, hypervisor.pause(APP).powerState()); // idempotent
    assertEquals(PowerState.RUNNING, hypervisor.powerOn(APP).powerState());
  }

  @Test
  void managedSaveStopsTheGuestIntoAnImageThatPowerOnResumesFrom() throws Exception {
    hypervisor.powerOn(APP);
    assertEquals(PowerState.SHUTDOWN, hypervisor.managedSave(APP).powerState());
    assertEquals(1, managedSaveImage());
    assertEquals(PowerState.SHUTDOWN, hypervisor.managedSave(APP).powerState()); // idempotent

    assertEquals(PowerState.RUNNING, hypervisor.powerOn(APP).powerState());
    assertEquals(0, managedSaveImage(), "the start restored from the image and consumed it");
  }

  @Test
  void aGuestThatDoesNotRunCannotBePausedOrSaved() {
    assertRefusedAsInvalidState(() -> hypervisor.pause(APP));
    assertRefusedAsInvalidState(() -> hypervisor.managedSave(APP));
  }

  private int managedSaveImage() throws Exception {
    return connection.call(c -> c.domainLookupByUUIDString(APP).hasManagedSaveImage());
  }

  private static void assertRefusedAsInvalidState(Runnable call) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, call::run);
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertTrue(cause.isNonRetryable(), cause::toString);
    assertEquals(
        Reason.INVALID_STATE, FerryRejection.from(failure).orElseThrow().reason(), cause::toString);
  }
}
