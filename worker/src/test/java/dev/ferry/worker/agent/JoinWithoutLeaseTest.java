package dev.ferry.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.host.HostWorkflow;
import dev.ferry.host.HostWorkflowImpl;
import dev.ferry.host.agent.LeaseDeadline;
import dev.ferry.host.agent.LeaseLostException;
import dev.ferry.hypervisor.libvirt.GuestTemplate;
import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import dev.ferry.hypervisor.libvirt.LibvirtHypervisorActivities;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.Names;
import dev.ferry.worker.config.FerryProperties;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An agent without a live lease writes nothing to libvirt, except in its join: the cleanup list it
 * runs before it registers again (and its registration and reconciliation).
 */
class JoinWithoutLeaseTest {
  private static final String HOST = "h1";

  private TestWorkflowEnvironment env;
  private LibvirtConnection libvirt;

  @BeforeEach
  void setUp() {
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    env.newWorker(Names.CONDUCTOR_QUEUE)
        .registerWorkflowImplementationTypes(HostWorkflowImpl.class);
    env.start();
    libvirt = LibvirtConnection.open(TestGuests.URI);
  }

  @AfterEach
  void tearDown() {
    libvirt.close();
    env.close();
  }

  @Test
  void theJoinRunsTheCleanupListWhileTheLeaseIsNotLiveAndAnActivityCannotWrite() throws Exception {
    String stale = UUID.randomUUID().toString();
    TestGuests.defineAndStart(libvirt, stale, 1);
    LeaseDeadline lease = new LeaseDeadline(HOST);
    libvirt.gateWrites(lease);
    LibvirtHypervisorActivities hypervisor =
        new LibvirtHypervisorActivities(libvirt, new GuestTemplate(GuestTemplate.Settings.none()));
    HostRegistrar registrar =
        new HostRegistrar(HOST, config(), env.getWorkflowClient(), hypervisor, () -> false, lease);
    assertTrue(registrar.join("incarnation-1"));
    HostWorkflow host =
        env.getWorkflowClient().newWorkflowStub(HostWorkflow.class, Names.hostWorkflowId(HOST));
    host.addCleanup(
        new CleanupItem(
            "c1", CleanupItem.Kind.REMOVE_STALE_DOMAIN, stale, 1, null, "evacuated elsewhere"));

    // an activity's write while the lease is not live: refused, retryable, nothing removed
    ApplicationFailure refused =
        assertThrows(ApplicationFailure.class, () -> hypervisor.remove(stale, 1));
    assertEquals(LeaseLostException.class.getName(), refused.getType());
    assertFalse(refused.isNonRetryable());
    assertTrue(hypervisor.inspect(stale).exists());

    // the agent registers again: its cleanup list runs first, lease or not
    assertTrue(registrar.join("incarnation-2"));

    assertFalse(hypervisor.inspect(stale).exists(), "the cleanup list removed the stale copy");
    assertTrue(host.get().cleanup.isEmpty());
    assertEquals("incarnation-2", host.get().incarnation);
    assertFalse(lease.isLive(), "the join writes; it proves no lease");
  }

  private static FerryProperties.Host config() {
    return new FerryProperties.Host(
        HOST,
        TestGuests.URI,
        null,
        16,
        16384,
        200,
        4.0,
        1.0,
        1.0,
        Duration.ofMinutes(10),
        1,
        new FerryProperties.Guest(null, null, null, null),
        new FerryProperties.Disk("/tmp/l", "/tmp/s", "/tmp/i", 0));
  }
}
