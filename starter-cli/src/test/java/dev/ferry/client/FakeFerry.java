package dev.ferry.client;

import dev.ferry.client.fakes.FakeAdoption;
import dev.ferry.client.fakes.FakeEvacuation;
import dev.ferry.client.fakes.FakeHost;
import dev.ferry.client.fakes.FakeHostMoves;
import dev.ferry.client.fakes.FakeInstance;
import dev.ferry.client.fakes.FakeLiveMigration;
import dev.ferry.client.fakes.FakeMoveChecks;
import dev.ferry.client.fakes.FakePlacement;
import dev.ferry.client.fakes.FakeResize;
import dev.ferry.evacuate.HostDrainWorkflowImpl;
import dev.ferry.evacuate.HostEvacuationWorkflowImpl;
import dev.ferry.host.HostWorkflow;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.model.Flavors;
import dev.ferry.model.HostInventory;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import dev.ferry.model.Settings;
import dev.ferry.model.VmState;
import dev.ferry.placement.Admission;
import dev.ferry.placement.PlacementState;
import dev.ferry.placement.PlacementWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * TEST ONLY: an in-process Temporal with fake entities on {@code ferry-conductor}, and helpers to
 * seed hosts and servers. The real entity and move workflows are not used; the real host drain and
 * host evacuation are, over {@link FakeHostMoves}.
 */
public final class FakeFerry implements AutoCloseable {
  /** 4 vCPU, 4096 MB, 40 GB, ratios 1. */
  public static final HostInventory SMALL = new HostInventory(4, 4096, 40, 1.0, 1.0, 1.0);

  /** 8 vCPU, 8192 MB, 80 GB, ratios 1. */
  public static final HostInventory LARGE = new HostInventory(8, 8192, 80, 1.0, 1.0, 1.0);

  public final TestWorkflowEnvironment env;
  private final Deque<String> fixedIds = new ArrayDeque<>();

  public FakeFerry() {
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder()
                        .setDataConverter(FerryDataConverter.create())
                        .build())
                .build());
    Worker worker = env.newWorker(Names.CONDUCTOR_QUEUE);
    worker.registerWorkflowImplementationTypes(
        FakePlacement.class,
        FakeHost.class,
        FakeInstance.class,
        FakeResize.class,
        FakeAdoption.class,
        FakeLiveMigration.class,
        FakeEvacuation.class,
        HostDrainWorkflowImpl.class,
        HostEvacuationWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new FakeLiveMigration.JobImpl(),
        new FakeHost.PlacementImpl(env.getWorkflowClient()),
        new FakeHostMoves(env.getWorkflowClient()),
        new FakeMoveChecks.Impl(env.getWorkflowClient()));
    env.start();
  }

  public WorkflowClient workflowClient() {
    return env.getWorkflowClient();
  }

  /** A client whose next ids come from {@link #nextIds}, then random UUIDs. */
  public FerryClient client() {
    Supplier<String> ids =
        () -> fixedIds.isEmpty() ? UUID.randomUUID().toString() : fixedIds.poll();
    return FerryClient.of(workflowClient(), Duration.ofSeconds(10), ids);
  }

  /** The ids the client hands out next (instance ids on create, move ids on migrate/resize). */
  public FakeFerry nextIds(String... ids) {
    for (String id : ids) {
      fixedIds.add(id);
    }
    return this;
  }

  /**
   * Placement plus the standard hosts: a (UP, small), b (UP, large), c (DOWN), d (UP, disabled).
   */
  public FakeFerry standardCluster() {
    return cluster(
        Settings.DEFAULTS,
        host("a", HostStatus.UP, true, SMALL),
        host("b", HostStatus.UP, true, LARGE),
        host("c", HostStatus.DOWN, true, LARGE),
        host("d", HostStatus.UP, false, LARGE));
  }

  public FakeFerry cluster(Settings settings, HostRecord... hosts) {
    PlacementState state = new PlacementState();
    state.settings = settings;
    for (HostRecord h : hosts) {
      state.hosts.put(h.name, h.summary());
    }
    PlacementWorkflow placement =
        workflowClient()
            .newWorkflowStub(
                PlacementWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(Names.PLACEMENT_WORKFLOW_ID)
                    .setTaskQueue(Names.CONDUCTOR_QUEUE)
                    .build());
    WorkflowClient.start(placement::run, state);
    for (HostRecord h : hosts) {
      HostWorkflow stub =
          workflowClient()
              .newWorkflowStub(
                  HostWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId(Names.hostWorkflowId(h.name))
                      .setTaskQueue(Names.CONDUCTOR_QUEUE)
                      .build());
      WorkflowClient.start(stub::run, h);
    }
    return this;
  }

  public static HostRecord host(
      String name, HostStatus status, boolean enabled, HostInventory inventory) {
    HostRecord h = new HostRecord();
    h.name = name;
    h.status = status;
    h.enabled = enabled;
    h.disabledReason = enabled ? null : "maintenance";
    h.inventory = inventory;
    h.hypervisorType = "QEMU";
    h.hypervisorVersion = 7002000;
    h.statusChangedAtMillis = 1_700_000_000_000L;
    return h;
  }

  /** An existing server (admitted with force, record started as given). Returns its record. */
  public InstanceRecord server(String name, String flavor, String host, VmState vmState) {
    InstanceRecord r = new InstanceRecord();
    r.id = UUID.randomUUID().toString();
    r.name = name;
    r.flavor = Flavors.require(flavor);
    r.host = host;
    r.vmState = vmState;
    r.powerState = vmState == VmState.ACTIVE ? PowerState.RUNNING : PowerState.SHUTDOWN;
    r.createdAtMillis = 1_700_000_000_000L;
    return seed(r);
  }

  public InstanceRecord seed(InstanceRecord r) {
    workflowClient()
        .newWorkflowStub(PlacementWorkflow.class, Names.PLACEMENT_WORKFLOW_ID)
        .admit(new Admission(r.id, r.name, r.host, r.flavor.resources(), true));
    InstanceWorkflow stub =
        workflowClient()
            .newWorkflowStub(
                InstanceWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(Names.instanceWorkflowId(r.id))
                    .setTaskQueue(Names.CONDUCTOR_QUEUE)
                    .build());
    WorkflowClient.start(stub::run, r);
    return r;
  }

  /** Whether a workflow with this id was ever started. */
  public boolean exists(String workflowId) {
    try {
      workflowClient().newUntypedWorkflowStub(workflowId).describe();
      return true;
    } catch (WorkflowNotFoundException e) {
      return false;
    }
  }

  @Override
  public void close() {
    env.close();
  }
}
