package dev.ferry.move;

import static dev.ferry.testing.WebUiMetadata.activitySummaries;
import static dev.ferry.testing.WebUiMetadata.currentDetails;
import static dev.ferry.testing.WebUiMetadata.timerSummaries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.ferry.entities.HostRecordActivities;
import dev.ferry.entities.MovePreflightActivities;
import dev.ferry.entities.PlacementActivities;
import dev.ferry.entities.WorkflowInspectionActivities;
import dev.ferry.hypervisor.DiskActivities;
import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.instance.InstanceWorkflowImpl;
import dev.ferry.model.Claim;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.DiskCopy;
import dev.ferry.model.DomainView;
import dev.ferry.model.Flavors;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import dev.ferry.model.Settings;
import dev.ferry.model.VmState;
import dev.ferry.resize.ResizeWorkflow;
import dev.ferry.resize.ResizeWorkflowImpl;
import dev.ferry.testing.FerryTestEnv;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * What the Temporal Web UI shows for a move without opening its JSON: a cold migration started by
 * the real InstanceWorkflow (Temporal's test server keeps user metadata), with mocked agents.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class WebUiMetadataTest {

  private static final String DISK = "/var/lib/ferry/local/web1.qcow2";

  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    for (String name : SearchAttributeNames.ALL) {
      env.registerSearchAttribute(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    PlacementActivities placement =
        mock(PlacementActivities.class, withSettings().withoutAnnotations());
    when(placement.settings()).thenReturn(new Settings(false, 3600, 1, 45));
    when(placement.claim(any()))
        .thenAnswer(
            inv -> {
              ClaimRequest r = inv.getArgument(0);
              return new Claim(r.consumerId(), r.host(), r.resources());
            });
    HostRecordActivities hostRecords =
        mock(HostRecordActivities.class, withSettings().withoutAnnotations());
    when(hostRecords.get(anyString())).thenAnswer(inv -> upHost(inv.getArgument(0)));
    Worker conductor = env.newWorker(Names.CONDUCTOR_QUEUE);
    conductor.registerWorkflowImplementationTypes(
        InstanceWorkflowImpl.class, ResizeWorkflowImpl.class);
    conductor.registerActivitiesImplementations(
        placement,
        hostRecords,
        mock(WorkflowInspectionActivities.class, withSettings().withoutAnnotations()),
        mock(MovePreflightActivities.class, withSettings().withoutAnnotations()));
    for (String host : List.of(FerryTestEnv.H1, FerryTestEnv.H2)) {
      env.newWorker(Names.hostQueue(host))
          .registerActivitiesImplementations(hypervisor(), localDisks());
    }
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void aColdMigrationSaysWhatItIsWhatItDoesAndWhereItStands() {
    InstanceRecord web1 = instance();
    InstanceWorkflow instance =
        client.newWorkflowStub(
            InstanceWorkflow.class,
            FerryTestEnv.conductorOptions(Names.instanceWorkflowId(web1.id)));
    WorkflowClient.start(instance::run, web1);
    String moveWorkflowId =
        instance.startMove(
            new MoveRequest("m-1", MoveType.COLD_MIGRATION, web1.id, "h2", null, 3600L, "alice"));
    ResizeWorkflow move = client.newWorkflowStub(ResizeWorkflow.class, moveWorkflowId);
    FerryTestEnv.eventually(() -> assertEquals("finished", move.status().status()));

    // The list and the header: a static summary and a few lines of details.
    WorkflowExecutionDescription described =
        client.newUntypedWorkflowStub(moveWorkflowId).describe();
    assertEquals("cold migration of web1: h1 → h2", described.getStaticSummary());
    assertEquals(
        String.join(
            "\n",
            "- move id: m-1",
            "- instance: web1 (" + web1.id + ")",
            "- flavor: m1.small (unchanged)",
            "- asked by: alice",
            "- auto-confirm after 1h"),
        described.getStaticDetails());

    // The history: each activity and the timer say what they do, to which server, where.
    List<String> activities = activitySummaries(client.fetchHistory(moveWorkflowId).getEvents());
    assertTrue(activities.contains("power off (web1 on h1)"), activities::toString);
    assertTrue(
        activities.contains("copy the disk " + DISK + " to h2 (web1 on h1)"), activities::toString);
    assertTrue(activities.contains("define (web1 on h2)"), activities::toString);
    assertTrue(activities.contains("power on (web1 on h2)"), activities::toString);
    assertTrue(activities.contains("claim m1.small for move:m-1"), activities::toString);
    assertFalse(activities.contains(""), () -> "an activity without a summary: " + activities);
    assertEquals(
        List.of("auto-confirm after 1h"),
        timerSummaries(client.fetchHistory(moveWorkflowId).getEvents()));

    // Where it stands: the move's and the instance's current details.
    assertEquals(
        "finished: web1 h1 → h2 (m1.small); disk copied: 1048576 bytes in 10 ms",
        currentDetails(client, moveWorkflowId));
    String instanceWorkflowId = Names.instanceWorkflowId(web1.id);
    FerryTestEnv.eventually(
        () ->
            assertEquals(
                // waiting for a decision it runs at the destination (as Nova's instance.host)
                "web1: RESIZED on h2 (m1.small) from h1, power RUNNING;"
                    + " cold migration move:m-1: finished",
                currentDetails(client, instanceWorkflowId)));

    move.confirm("alice");
    assertTrue(
        currentDetails(client, moveWorkflowId).startsWith("confirmed: web1 h1 → h2"),
        () -> currentDetails(client, moveWorkflowId));
    FerryTestEnv.eventually(
        () ->
            assertEquals(
                "web1: ACTIVE on h2 (m1.small), power RUNNING",
                currentDetails(client, instanceWorkflowId)));
    List<String> afterConfirm = activitySummaries(client.fetchHistory(moveWorkflowId).getEvents());
    assertTrue(afterConfirm.contains("remove the old copy (web1 on h1)"), afterConfirm::toString);
    assertTrue(afterConfirm.contains("swap the claim"), afterConfirm::toString);
    assertFalse(afterConfirm.contains(""), () -> "an activity without a summary: " + afterConfirm);
  }

  private static InstanceRecord instance() {
    InstanceRecord r = new InstanceRecord();
    r.id = "3f1f6b8e-0000-4000-8000-000000000001";
    r.name = "web1";
    r.flavor = Flavors.require("m1.small");
    r.host = FerryTestEnv.H1;
    r.vmState = VmState.ACTIVE;
    r.powerState = PowerState.RUNNING;
    r.diskPath = DISK;
    r.diskSizeMb = 1024;
    r.epoch = 1;
    return r;
  }

  private static HostRecord upHost(String name) {
    HostRecord r = new HostRecord();
    r.name = name;
    r.status = HostStatus.UP;
    r.libvirtUri = "qemu+tcp://" + name + "/system";
    r.migrationUri = r.libvirtUri;
    return r;
  }

  private static HypervisorActivities hypervisor() {
    HypervisorActivities agent =
        mock(HypervisorActivities.class, withSettings().withoutAnnotations());
    when(agent.powerOff(anyString(), anyInt())).thenReturn(domain(PowerState.SHUTDOWN));
    when(agent.powerOn(anyString())).thenReturn(domain(PowerState.RUNNING));
    when(agent.define(any())).thenReturn(domain(PowerState.SHUTDOWN));
    when(agent.remove(anyString(), anyLong())).thenReturn(domain(PowerState.SHUTDOWN));
    when(agent.inspect(anyString())).thenReturn(domain(PowerState.RUNNING));
    return agent;
  }

  /** Host-local disks: the source never sees the destination's probe, so the disk is copied. */
  private static DiskActivities localDisks() {
    DiskActivities disks = mock(DiskActivities.class, withSettings().withoutAnnotations());
    when(disks.probeExists(anyString())).thenReturn(false);
    when(disks.copyDisk(anyString(), anyString(), anyString()))
        .thenAnswer(inv -> new DiskCopy(inv.getArgument(2), 1 << 20, 64L << 20, 10, 1));
    when(disks.deleteDisk(anyString())).thenReturn(true);
    return disks;
  }

  private static DomainView domain(PowerState power) {
    return new DomainView(true, "x", "web1", power, 1, 2048, "x", 2, "<domain/>");
  }
}
