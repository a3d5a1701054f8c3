package dev.ferry.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.instance.InstanceWorkflowImpl;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.DomainSpec;
import dev.ferry.model.DomainView;
import dev.ferry.model.Flavors;
import dev.ferry.model.HostFacts;
import dev.ferry.model.HostRecord;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveSummary;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import dev.ferry.model.VmState;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An evacuated instance's old host returns: its agent's start-up cleanup destroys the stale copy
 * (the domain only, up to the old epoch; never the disk), then records the evacuation {@code
 * completed} on the instance. HostAgent runs this before its worker polls.
 */
class EvacuationCleanupTest {

  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    env.newWorker(Names.CONDUCTOR_QUEUE)
        .registerWorkflowImplementationTypes(InstanceWorkflowImpl.class);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void theStaleCopyIsDestroyedItsDiskKeptAndTheEvacuationCompleted(@TempDir Path dir)
      throws Exception {
    Path sharedDisk = Files.createFile(dir.resolve("vm1.qcow2"));
    String moveId = UUID.randomUUID().toString();
    InstanceRecord rec = new InstanceRecord();
    rec.id = UUID.randomUUID().toString();
    rec.name = "vm1";
    rec.flavor = Flavors.require("t1.nano");
    rec.host = "h2"; // evacuated there
    rec.epoch = 4;
    rec.vmState = VmState.ACTIVE;
    rec.powerState = PowerState.RUNNING;
    rec.moves.add(new MoveSummary(moveId, MoveType.EVACUATION, "h1", "h2", "done", 1, 2));
    InstanceWorkflow stub =
        client.newWorkflowStub(
            InstanceWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(Names.instanceWorkflowId(rec.id))
                .setTaskQueue(Names.CONDUCTOR_QUEUE)
                .build());
    WorkflowClient.start(stub::run, rec);

    FakeLibvirt h1 = new FakeLibvirt();
    h1.domains.put(rec.id, domain(rec.id, 3)); // the stale copy, crashed when h1 died
    HostRecord h1Record = new HostRecord();
    h1Record.name = "h1";
    h1Record.cleanup.add(
        new CleanupItem(
            "evacuation:" + moveId,
            CleanupItem.Kind.REMOVE_STALE_DOMAIN,
            rec.id,
            3,
            sharedDisk.toString(), // even if a path were given: this kind never deletes a disk
            "stale copy of vm1 evacuated to h2",
            moveId));

    List<String> done = new AgentReconciler("h1", h1, client).runCleanup(h1Record);

    assertEquals(List.of("evacuation:" + moveId), done);
    assertEquals(List.of("remove " + rec.id + " epochAtMost=3"), h1.calls);
    assertTrue(h1.domains.isEmpty());
    assertTrue(Files.exists(sharedDisk), "the shared disk is the live instance's: never deleted");
    InstanceWorkflow instance =
        client.newWorkflowStub(InstanceWorkflow.class, Names.instanceWorkflowId(rec.id));
    long deadline = System.currentTimeMillis() + 10_000;
    while (!"completed".equals(instance.get().moves.get(0).status())
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals("completed", instance.get().moves.get(0).status());
  }

  @Test
  void aNewerCopyOnTheOldHostIsKept() {
    FakeLibvirt h1 = new FakeLibvirt();
    String id = UUID.randomUUID().toString();
    h1.domains.put(id, domain(id, 7)); // the instance came back here since
    HostRecord h1Record = new HostRecord();
    h1Record.name = "h1";
    h1Record.cleanup.add(
        new CleanupItem(
            "evacuation:m", CleanupItem.Kind.REMOVE_STALE_DOMAIN, id, 3, null, "stale", "m"));

    new AgentReconciler("h1", h1, client).runCleanup(h1Record);

    assertTrue(h1.domains.containsKey(id));
  }

  private static DomainView domain(String id, long epoch) {
    return new DomainView(true, id, "vm1", PowerState.SHUTDOWN, 1, 128, id, epoch, "<domain/>");
  }

  /** A host's libvirt in memory, honouring remove's epoch guard as the real one does. */
  static final class FakeLibvirt implements HypervisorActivities {
    final Map<String, DomainView> domains = new ConcurrentHashMap<>();
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public DomainView remove(String instanceId, long epochAtMost) {
      calls.add("remove " + instanceId + " epochAtMost=" + epochAtMost);
      DomainView d = domains.get(instanceId);
      if (d == null) {
        return DomainView.absent(instanceId);
      }
      if (d.epoch() <= epochAtMost) {
        domains.remove(instanceId);
      }
      return d;
    }

    @Override
    public String checkGuestCpu(String domainXml) {
      return "not compared";
    }

    @Override
    public HostFacts hostFacts() {
      throw new UnsupportedOperationException();
    }

    @Override
    public DomainView inspect(String instanceId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<DomainView> listDomains() {
      return List.copyOf(domains.values());
    }

    @Override
    public DomainView define(DomainSpec spec) {
      throw new UnsupportedOperationException();
    }

    @Override
    public DomainView pause(String instanceId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public DomainView managedSave(String instanceId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public DomainView powerOn(String instanceId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public DomainView powerOff(String instanceId, int gracefulSeconds) {
      throw new UnsupportedOperationException();
    }

    @Override
    public DomainView adopt(String domainName) {
      throw new UnsupportedOperationException();
    }
  }
}
