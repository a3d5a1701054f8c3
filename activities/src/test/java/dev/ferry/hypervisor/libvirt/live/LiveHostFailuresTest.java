package dev.ferry.hypervisor.libvirt.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.hypervisor.libvirt.LibvirtCall;
import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import dev.ferry.live.LiveMigrationHostActivities;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The live activities' failures as a workflow sees them: a libvirt error is mapped as on every
 * other libvirt boundary of the agent. Each test makes the migration driver's libvirt call fail for
 * real on {@code test:///default}.
 */
class LiveHostFailuresTest {

  private static final String ID = TestLiveHost.ID;

  private final AtomicReference<LibvirtCall<?>> failingCall = new AtomicReference<>();
  private TestLiveHost host;
  private LiveMigrationHostActivities activities;

  @BeforeEach
  void setUp() {
    AtomicReference<LibvirtConnection> connection = new AtomicReference<>();
    MigrationDriver failing =
        (MigrationDriver)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {MigrationDriver.class},
                (proxy, method, args) -> connection.get().call(failingCall.get()));
    host =
        new TestLiveHost(
            (workflowId, name, arg) -> {}, uuid -> failing, Path::of, Duration.ofMillis(20));
    connection.set(host.connection);
    activities = host.activities;
  }

  @AfterEach
  void tearDown() {
    host.close();
  }

  @Test
  void invalidDomainXmlIsANonRetryableInvalidArgumentNotARetriedLibvirtError() {
    failingCall.set(c -> c.domainDefineXML("<domain type='test'><name>broken</name>"));

    ApplicationFailure f = failure(() -> activities.forceComplete(ID, false));

    assertEquals(FerryRejection.TYPE_PREFIX + Reason.INVALID_ARGUMENT, f.getType(), f.getMessage());
    assertTrue(f.isNonRetryable(), "a retry sends the same XML");
  }

  @Test
  void aLibvirtErrorThatMayPassIsARetryableLibvirtError() {
    failingCall.set(
        c -> {
          c.domainLookupByUUIDString(ID).create(); // already running: a state race may end
          return null;
        });

    ApplicationFailure f = failure(() -> activities.forceComplete(ID, false));

    assertEquals("LibvirtError", f.getType(), f.getMessage());
    assertFalse(f.isNonRetryable());
  }

  @Test
  void aDomainThatIsGoneIsANonRetryableUnknownInstance() {
    failingCall.set(c -> c.domainLookupByUUIDString("11111111-2222-4333-8444-555555555555"));

    ApplicationFailure f = failure(() -> activities.forceComplete(ID, false));

    assertEquals(FerryRejection.TYPE_PREFIX + Reason.UNKNOWN_INSTANCE, f.getType(), f.getMessage());
    assertTrue(f.isNonRetryable());
  }

  private static ApplicationFailure failure(Runnable call) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, call::run);
    return assertInstanceOf(ApplicationFailure.class, failure.getCause());
  }
}
