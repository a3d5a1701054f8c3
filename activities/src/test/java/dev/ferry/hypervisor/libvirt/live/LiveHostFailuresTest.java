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
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
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

  private static final String ID = "6695eb01-f6a4-8304-79aa-97f2502e193f"; // test:///default's

  private final AtomicReference<LibvirtCall<?>> failingCall = new AtomicReference<>();
  private LibvirtConnection connection;
  private TestActivityEnvironment env;
  private LiveMigrationHostActivities activities;

  @BeforeEach
  void setUp() {
    connection = LibvirtConnection.open("test:///default");
    MigrationDriver failing =
        (MigrationDriver)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {MigrationDriver.class},
                (proxy, method, args) -> connection.call(failingCall.get()));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new LiveHostActivitiesImpl(
            connection,
            (workflowId, name, arg) -> {},
            uuid -> failing,
            Path::of,
            Duration.ofMillis(20)));
    activities =
        env.newActivityStub(
            LiveMigrationHostActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
  }

  @AfterEach
  void tearDown() {
    env.close();
    connection.close();
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
