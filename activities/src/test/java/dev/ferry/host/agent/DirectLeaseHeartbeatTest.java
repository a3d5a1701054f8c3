package dev.ferry.host.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.ferry.host.HostLeaseActivities;
import dev.ferry.host.HostLeaseActivities.LeaseEnd;
import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The production heartbeat: a direct RPC to a (test) Temporal server, whose answer is seen. */
class DirectLeaseHeartbeatTest {
  private static final String QUEUE = "ferry-host-host-a";
  private static final String ME = "incarnation-1";

  /** Holds one lease, as the HostWorkflow does. */
  @WorkflowInterface
  public interface OneLease {
    @WorkflowMethod
    LeaseEnd hold(String incarnation);
  }

  public static class OneLeaseImpl implements OneLease {
    private final HostLeaseActivities lease =
        Workflow.newActivityStub(
            HostLeaseActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(1))
                .setHeartbeatTimeout(Duration.ofSeconds(10))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());

    @Override
    public LeaseEnd hold(String incarnation) {
      return lease.hold(incarnation);
    }
  }

  // real time: the lease runs on the wall clock while the workflow waits for it
  private final TestWorkflowEnvironment env =
      TestWorkflowEnvironment.newInstance(
          TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());

  @AfterEach
  void stop() {
    env.close();
  }

  private final LeaseDeadline deadline = new LeaseDeadline("host-a");
  private final LeaseWatch watch = new LeaseWatch(ME, Duration.ofSeconds(15));

  @Test
  void aRunningLeaseIsAcknowledgedByTheServerAndItsDeadlineExtended() {
    startWorker(Duration.ofMillis(600));
    assertFalse(deadline.isLive(), "no lease before a heartbeat is acknowledged");

    LeaseEnd end = newLease().hold(ME);

    assertEquals(LeaseEnd.RENEW, end);
    assertTrue(deadline.isLive(), "the server's answers extended the deadline");
    assertFalse(watch.suspect());
  }

  @Test
  void aLeaseTheServerNoLongerHasExpiresTheDeadlineAtItsNextHeartbeat() throws Exception {
    startWorker(Duration.ofMinutes(1));
    OneLease lease = newLease();
    WorkflowClient.start(lease::hold, ME);
    awaitTrue(deadline::isLive, "the lease is acknowledged");

    WorkflowStub.fromTyped(lease).terminate("the run is gone, and its lease with it");

    awaitTrue(watch::suspect, "the refused heartbeat makes the lease suspect");
    assertFalse(deadline.isLive(), "no write after the server refused the lease");
  }

  private void startWorker(Duration period) {
    LibvirtConnection libvirt = mock(LibvirtConnection.class);
    when(libvirt.isHealthy()).thenReturn(true);
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(OneLeaseImpl.class);
    worker.registerActivitiesImplementations(
        new HostLeaseActivitiesImpl(
            watch,
            deadline,
            LeaseHeartbeats.direct(env.getWorkflowClient(), Duration.ofSeconds(2)),
            libvirt,
            period,
            () -> false,
            Duration.ofMillis(100)));
    env.start();
  }

  private OneLease newLease() {
    return env.getWorkflowClient()
        .newWorkflowStub(OneLease.class, WorkflowOptions.newBuilder().setTaskQueue(QUEUE).build());
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "within 10 s: " + what);
      Thread.sleep(20);
    }
  }
}
