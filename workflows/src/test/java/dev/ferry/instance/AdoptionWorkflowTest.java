package dev.ferry.instance;

import static dev.ferry.testing.FerryTestEnv.H1;
import static dev.ferry.testing.FerryTestEnv.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.model.Claim;
import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavor;
import dev.ferry.model.Flavors;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import dev.ferry.model.Resources;
import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;
import dev.ferry.placement.Admission;
import dev.ferry.testing.FerryTestEnv;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

@Timeout(value = 90, threadMode = ThreadMode.SEPARATE_THREAD)
class AdoptionWorkflowTest {

  private static final String UUID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

  private FerryTestEnv t;
  private HypervisorActivities h1;

  @BeforeEach
  void setUp() {
    t = new FerryTestEnv();
    h1 = t.hypervisor(H1);
    t.requireJsonRoundTrip(InstanceWorkflowTest.busyRecord());
    when(t.placementActivities.admit(any()))
        .thenAnswer(
            inv -> {
              Admission a = inv.getArgument(0);
              return new Claim("instance:" + a.instanceId(), a.host(), a.resources());
            });
  }

  @AfterEach
  void tearDown() {
    t.close();
  }

  private AdoptionWorkflow adoption(String domain) {
    return t.client.newWorkflowStub(
        AdoptionWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId("adopt:" + H1 + ":" + domain)
            .setTaskQueue(Names.CONDUCTOR_QUEUE)
            // Bounded: a workflow task failing forever shows as a timeout, not a hung test.
            .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
            .build());
  }

  private static DomainView domain(String name, PowerState power, int vcpus, int memoryMb) {
    // As adopt() returns it: tagged, UUID as instance id, epoch 0.
    return new DomainView(
        true, UUID, name, power, vcpus, memoryMb, UUID, 0, "<domain><name>" + name + "</name>");
  }

  @Test
  void adoptingARunningDomainTagsItAdmitsItWithForceAndStartsAnActiveInstance() {
    when(h1.adopt("legacy-web")).thenReturn(domain("legacy-web", PowerState.RUNNING, 1, 2048));

    String id = adoption("legacy-web").adopt(H1, "legacy-web");

    assertEquals(UUID, id);
    verify(h1).adopt("legacy-web");
    Flavor small = Flavors.require("m1.small");
    verify(t.placementActivities)
        .admit(new Admission(UUID, "legacy-web", H1, small.resources(), true));
    InstanceWorkflow instance = t.instance(UUID);
    eventually(() -> assertEquals(VmState.ACTIVE, instance.get().vmState));
    InstanceRecord r = instance.get();
    assertEquals(UUID, r.id);
    assertEquals("legacy-web", r.name);
    assertEquals(small, r.flavor);
    assertEquals(H1, r.host);
    assertEquals("legacy-web", r.adoptedDomain);
    assertEquals("<domain><name>legacy-web</name>", r.domainXml);
    assertEquals(PowerState.RUNNING, r.powerState);
    assertEquals(TaskState.NONE, r.taskState);
    assertEquals(0, r.epoch);
    assertEquals(
        WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
        t.status(Names.instanceWorkflowId(UUID)));
    // Adopted, the instance accepts moves like any other.
    assertEquals(
        "move:m1",
        instance.startMove(
            new dev.ferry.model.MoveRequest(
                "m1", MoveType.COLD_MIGRATION, UUID, null, null, null, "test")));
  }

  @Test
  void adoptingAShutOffDomainOfNoCatalogSizeMakesAStoppedInstanceWithACustomFlavor() {
    when(h1.adopt("old-db")).thenReturn(domain("old-db", PowerState.SHUTDOWN, 3, 3000));

    adoption("old-db").adopt(H1, "old-db");

    Flavor custom = new Flavor("custom-3c3000m", 3, 3000, 0);
    verify(t.placementActivities)
        .admit(new Admission(UUID, "old-db", H1, new Resources(3, 3000, 0), true));
    InstanceWorkflow instance = t.instance(UUID);
    eventually(() -> assertEquals(VmState.STOPPED, instance.get().vmState));
    assertEquals(custom, instance.get().flavor);
    assertEquals(PowerState.SHUTDOWN, instance.get().powerState);
  }

  @Test
  void adoptingADomainWithAnInvalidNameFailsTheAdoptionWithoutTouchingTheHost() {
    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> adoption("x").adopt(H1, "bad name!"));

    FerryRejection r =
        FerryRejection.from(e).orElseThrow(() -> new AssertionError("not a rejection", e));
    assertEquals(Reason.INVALID_ARGUMENT, r.reason());
    verify(h1, never()).adopt(anyString());
    verify(t.placementActivities, never()).admit(any());
  }

  @Test
  void anAdmissionRefusedByPlacementFailsTheAdoptionAndStartsNoInstance() {
    when(h1.adopt("legacy-web")).thenReturn(domain("legacy-web", PowerState.RUNNING, 1, 2048));
    doThrow(
            new FerryRejection(Reason.DUPLICATE_NAME, "a server named 'legacy-web' exists")
                .toFailure())
        .when(t.placementActivities)
        .admit(any());

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class, () -> adoption("legacy-web").adopt(H1, "legacy-web"));

    assertEquals(Reason.DUPLICATE_NAME, FerryRejection.from(e).orElseThrow().reason());
    assertThrows(RuntimeException.class, () -> t.status(Names.instanceWorkflowId(UUID)));
  }
}
