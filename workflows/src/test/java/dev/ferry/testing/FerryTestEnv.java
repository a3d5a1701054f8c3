package dev.ferry.testing;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ferry.action.ServerActionWorkflowImpl;
import dev.ferry.entities.HostRecordActivities;
import dev.ferry.entities.MovePreflightActivities;
import dev.ferry.entities.PlacementActivities;
import dev.ferry.entities.WorkflowInspectionActivities;
import dev.ferry.host.HostWorkflow;
import dev.ferry.host.HostWorkflowImpl;
import dev.ferry.hypervisor.DiskActivities;
import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.instance.AdoptionWorkflowImpl;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.instance.InstanceWorkflowImpl;
import dev.ferry.model.AgentRegistration;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.HostInventory;
import dev.ferry.model.HostRecord;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.Names;
import dev.ferry.placement.PlacementState;
import dev.ferry.placement.PlacementWorkflow;
import dev.ferry.placement.PlacementWorkflowImpl;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DataConverterException;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A time-skipping test environment laid out as a deployment: {@code ferry-conductor} runs the real
 * entity workflows (and {@link FakeResizeWorkflow}) with mocked conductor activities; {@code
 * ferry-host-h1} and {@code ferry-host-h2} run a mocked hypervisor and a {@link ScriptedLease}.
 *
 * <p>Time skipping is locked while any activity runs (a lease, for instance): tests that hold
 * leases wait in real time and never call {@code env.sleep}.
 */
public final class FerryTestEnv implements TestEnvironmentHolder, AutoCloseable {
  public static final String H1 = "h1";
  public static final String H2 = "h2";
  public static final HostInventory INVENTORY = new HostInventory(8, 16384, 200, 1.0, 1.0, 1.0);

  /** Durations as the workers' converter writes them (records carry some). */
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);

  public final TestWorkflowEnvironment env;
  public final WorkflowClient client;
  public final PlacementActivities placementActivities =
      mock(PlacementActivities.class, withSettings().withoutAnnotations());

  /** The move pre-flight: admits every move unless a test says otherwise. */
  public final MovePreflightActivities preflight =
      mock(MovePreflightActivities.class, withSettings().withoutAnnotations());

  public final HostRecordActivities hostRecords =
      mock(HostRecordActivities.class, withSettings().withoutAnnotations());
  public final WorkflowInspectionActivities inspection =
      mock(WorkflowInspectionActivities.class, withSettings().withoutAnnotations());
  private final Map<String, HypervisorActivities> hypervisors = new LinkedHashMap<>();
  private final Map<String, DiskActivities> disks = new LinkedHashMap<>();
  private final Map<String, ScriptedLease> leases = new LinkedHashMap<>();
  private final Map<String, ScriptedCleanup> cleanups = new LinkedHashMap<>();

  public FerryTestEnv() {
    env = TestWorkflowEnvironment.newInstance();
    client = env.getWorkflowClient();
    Worker conductor = env.newWorker(Names.CONDUCTOR_QUEUE);
    conductor.registerWorkflowImplementationTypes(
        PlacementWorkflowImpl.class,
        HostWorkflowImpl.class,
        InstanceWorkflowImpl.class,
        AdoptionWorkflowImpl.class,
        ServerActionWorkflowImpl.class,
        FakeResizeWorkflow.class,
        SlotWaiterWorkflow.Impl.class);
    conductor.registerActivitiesImplementations(
        placementActivities, hostRecords, inspection, preflight);
    for (String host : List.of(H1, H2)) {
      HypervisorActivities hypervisor =
          mock(HypervisorActivities.class, withSettings().withoutAnnotations());
      ScriptedLease lease = new ScriptedLease();
      DiskActivities disk = mock(DiskActivities.class, withSettings().withoutAnnotations());
      ScriptedCleanup cleanup = new ScriptedCleanup();
      env.newWorker(Names.hostQueue(host))
          .registerActivitiesImplementations(hypervisor, disk, lease, cleanup);
      cleanups.put(host, cleanup);
      hypervisors.put(host, hypervisor);
      disks.put(host, disk);
      leases.put(host, lease);
    }
    env.start();
  }

  @Override
  public TestWorkflowEnvironment testEnvironment() {
    return env;
  }

  public HypervisorActivities hypervisor(String host) {
    return hypervisors.get(host);
  }

  public DiskActivities disks(String host) {
    return disks.get(host);
  }

  public ScriptedLease lease(String host) {
    return leases.get(host);
  }

  /** The cleanup activity of {@code host}'s agent. */
  public ScriptedCleanup cleanup(String host) {
    return cleanups.get(host);
  }

  // ---- the entities

  public static WorkflowOptions conductorOptions(String workflowId) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(Names.CONDUCTOR_QUEUE)
        .build();
  }

  public PlacementWorkflow startPlacement() {
    return startPlacement(new PlacementState());
  }

  public PlacementWorkflow startPlacement(PlacementState state) {
    PlacementWorkflow stub =
        client.newWorkflowStub(
            PlacementWorkflow.class, conductorOptions(Names.PLACEMENT_WORKFLOW_ID));
    WorkflowClient.start(stub::run, state);
    return placement();
  }

  public PlacementWorkflow placement() {
    return client.newWorkflowStub(PlacementWorkflow.class, Names.PLACEMENT_WORKFLOW_ID);
  }

  public HostWorkflow startHost(String name) {
    HostRecord record = new HostRecord();
    record.name = name;
    HostWorkflow stub =
        client.newWorkflowStub(HostWorkflow.class, conductorOptions(Names.hostWorkflowId(name)));
    WorkflowClient.start(stub::run, record);
    return host(name);
  }

  public HostWorkflow host(String name) {
    return client.newWorkflowStub(HostWorkflow.class, Names.hostWorkflowId(name));
  }

  public InstanceWorkflow startInstance(InstanceRecord record) {
    InstanceWorkflow stub =
        client.newWorkflowStub(
            InstanceWorkflow.class, conductorOptions(Names.instanceWorkflowId(record.id)));
    WorkflowClient.start(stub::run, record);
    return instance(record.id);
  }

  public InstanceWorkflow instance(String id) {
    return client.newWorkflowStub(InstanceWorkflow.class, Names.instanceWorkflowId(id));
  }

  public static AgentRegistration registration(String incarnation) {
    return registration(incarnation, INVENTORY);
  }

  public static AgentRegistration registration(String incarnation, HostInventory inventory) {
    return registration(incarnation, inventory, HostWorkflowImpl.LEASE_PERIOD);
  }

  /** With the lease period the agent announces (null: an agent from before the field). */
  public static AgentRegistration registration(
      String incarnation, HostInventory inventory, Duration leasePeriod) {
    return new AgentRegistration(
        incarnation,
        "QEMU",
        8_002_000L,
        "qemu:///system",
        "qemu+tcp://h/system",
        inventory,
        1,
        leasePeriod);
  }

  // ---- observing workflows

  /** The events of the workflow's current run. */
  public List<HistoryEvent> history(String workflowId) {
    return client.fetchHistory(workflowId).getEvents();
  }

  public List<HistoryEvent> history(String workflowId, String runId) {
    return client.fetchHistory(workflowId, runId).getEvents();
  }

  public String runId(String workflowId) {
    return client.newUntypedWorkflowStub(workflowId).describe().getExecution().getRunId();
  }

  public WorkflowExecutionStatus status(String workflowId) {
    return client.newUntypedWorkflowStub(workflowId).describe().getStatus();
  }

  public static long count(List<HistoryEvent> events, EventType type) {
    return events.stream().filter(e -> e.getEventType() == type).count();
  }

  /**
   * Waits until the current run holds at least {@code n} events of {@code type} and a workflow task
   * completed after the n-th: the workflow has reacted to it, and a query sees the result.
   */
  public void awaitHandled(String workflowId, EventType type, int n) {
    awaitHandled(client, workflowId, type, n);
  }

  /** {@link #awaitHandled(String, EventType, int)} through any test environment's client. */
  public static void awaitHandled(WorkflowClient client, String workflowId, EventType type, int n) {
    eventually(
        () -> {
          List<HistoryEvent> events = client.fetchHistory(workflowId).getEvents();
          int seen = 0;
          int at = -1;
          for (int i = 0; i < events.size() && at < 0; i++) {
            if (events.get(i).getEventType() == type && ++seen == n) {
              at = i;
            }
          }
          if (at < 0) {
            throw new AssertionError("no " + n + "th " + type + " in " + workflowId + " yet");
          }
          boolean handled = false;
          for (int i = at + 1; i < events.size(); i++) {
            handled |= events.get(i).getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
          }
          if (!handled) {
            throw new AssertionError(type + " not handled by " + workflowId + " yet");
          }
        });
  }

  // ---- assertions

  /**
   * Fails at once, saying why, when {@code sample} does not come back from the JSON data converter
   * the workers use (Temporal's default, as the conductor and agents configure it): an entity whose
   * record cannot be read back cannot start or continue as new, and a test of it would wait forever
   * on its first update.
   */
  public void requireJsonRoundTrip(Object sample) {
    DataConverter converter = client.getOptions().getDataConverter();
    Object back;
    try {
      back =
          converter.fromPayload(
              converter.toPayload(sample).orElseThrow(), sample.getClass(), sample.getClass());
    } catch (DataConverterException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new AssertionError(
          sample.getClass().getSimpleName()
              + " does not survive the workers' JSON data converter, so its workflow can neither"
              + " start nor continue as new: "
              + root.getMessage(),
          e);
    }
    if (!json(sample).equals(json(back))) {
      throw new AssertionError(
          sample.getClass().getSimpleName() + " changed in a JSON round trip: " + json(back));
    }
  }

  /** A body that may throw anything. */
  public interface Body {
    void run() throws Exception;
  }

  /** Retries {@code assertion} (real time) until it passes, for up to 15 s. */
  public static void eventually(Body assertion) {
    eventually(Duration.ofSeconds(15), assertion);
  }

  public static void eventually(Duration timeout, Body assertion) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        assertion.run();
        return;
      } catch (Exception | AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e instanceof AssertionError a ? a : new AssertionError(e);
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  /** Runs {@code body}, which must be refused with a typed FerryRejection; returns it. */
  public static FerryRejection rejection(Body body) {
    try {
      body.run();
    } catch (Exception e) {
      return FerryRejection.from(e)
          .orElseThrow(() -> new AssertionError("expected a FerryRejection, got " + e, e));
    }
    throw new AssertionError("expected a FerryRejection, but the call succeeded");
  }

  /** A value as JSON: compares records and views before and after, field by field. */
  public static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    leases.values().forEach(ScriptedLease::close);
    if (leases.values().stream().anyMatch(ScriptedLease::everHeld)) {
      // A heartbeating activity leaves a throttled heartbeat pending: the worker's shutdown then
      // waits 5 s for it. Nothing is left to observe: let that wait run beside the next test.
      Thread closer = new Thread(env::close, "ferry-test-env-close");
      closer.setDaemon(true);
      closer.start();
    } else {
      env.close();
    }
  }
}
