package dev.ferry.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.ferry.entities.HostRecordActivities;
import dev.ferry.entities.MovePreflightActivities;
import dev.ferry.entities.PlacementActivities;
import dev.ferry.entities.WorkflowInspectionActivities;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.model.Claim;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.Flavor;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import dev.ferry.model.VmState;
import dev.ferry.move.MoveInput;
import dev.ferry.move.MoveSearchAttributes;
import dev.ferry.move.SearchAttributeNames;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What the move workflow tests share: a time-skipping test environment whose client and workers use
 * the project's tolerant JSON converter and know the moves' search attributes; the conductor's
 * mocked entity activities; one worker factory per host agent, so a test can kill one; starting a
 * move under its instance; replaying what a test recorded.
 *
 * <p>A {@link RecordUnitCorpus} test class holds one in a field: the recorder exports its
 * environment's histories.
 */
public final class MoveTestKit implements TestEnvironmentHolder, AutoCloseable {

  /** The instance's host, where every move starts. */
  public static final String H1 = "h1";

  public static final String H2 = "h2";

  /** The instance's epoch before the move (a move's destination copy carries the next). */
  public static final long EPOCH = 3;

  public static final String SHARED_DISK = "/var/lib/ferry/shared/vm1.qcow2";
  public static final String IMAGE = "debian-12.qcow2";

  public final TestWorkflowEnvironment env = newEnvironment();
  public final WorkflowClient client = env.getWorkflowClient();
  public final PlacementActivities placement =
      mock(PlacementActivities.class, withSettings().withoutAnnotations());

  /** The move pre-flight: admits every move unless a test says otherwise. */
  public final MovePreflightActivities preflight =
      mock(MovePreflightActivities.class, withSettings().withoutAnnotations());

  public final HostRecordActivities hostRecords =
      mock(HostRecordActivities.class, withSettings().withoutAnnotations());
  public final WorkflowInspectionActivities inspection =
      mock(WorkflowInspectionActivities.class, withSettings().withoutAnnotations());

  /** Hosts whose record says DOWN: a killed agent's, and any a test names. */
  public final Set<String> downHosts = ConcurrentHashMap.newKeySet();

  private final Map<String, WorkerFactory> agents = new ConcurrentHashMap<>();

  public MoveTestKit() {
    for (String name : SearchAttributeNames.ALL) {
      env.registerSearchAttribute(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
  }

  /** A test environment with the unit tests' converter (as the project's clients and workers). */
  public static TestWorkflowEnvironment newEnvironment() {
    return TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder()
            .setWorkflowClientOptions(
                WorkflowClientOptions.newBuilder()
                    .setDataConverter(UnitCorpus.tolerantJson())
                    .build())
            .build());
  }

  @Override
  public TestWorkflowEnvironment testEnvironment() {
    return env;
  }

  // ---- workers

  /**
   * The conductor's worker in the environment, serving the entity activities and {@code more}; the
   * test registers its workflows on it, then calls {@link #start}.
   */
  public Worker conductor(Object... more) {
    Worker conductor = env.newWorker(Names.CONDUCTOR_QUEUE);
    conductor.registerActivitiesImplementations(placement, hostRecords, inspection, preflight);
    if (more.length > 0) {
      conductor.registerActivitiesImplementations(more);
    }
    return conductor;
  }

  public void start() {
    env.start();
  }

  /** Starts {@code host}'s agent: its own worker factory polling the host's queue. */
  public void startAgent(String host, Object... activities) {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    factory.newWorker(Names.hostQueue(host)).registerActivitiesImplementations(activities);
    factory.start();
    agents.put(host, factory);
  }

  /** The agent process dies: nobody polls its queue any more, and its record goes DOWN. */
  public void killAgent(String host) throws InterruptedException {
    downHosts.add(host);
    WorkerFactory factory = agents.remove(host);
    factory.shutdownNow();
    factory.awaitTermination(10, TimeUnit.SECONDS);
  }

  // ---- the entities, as the mocks answer for them

  /** Placement grants every claim on the host it names, else on {@code placed}. */
  public void claimsLandOn(String placed) {
    when(placement.claim(any()))
        .thenAnswer(
            inv -> {
              ClaimRequest r = inv.getArgument(0);
              return new Claim(r.consumerId(), r.host() != null ? r.host() : placed, r.resources());
            });
  }

  /** A host's record: UP unless in {@link #downHosts}, with the URI peers migrate to. */
  public HostRecord hostRecord(String name) {
    HostRecord r = new HostRecord();
    r.name = name;
    r.status = downHosts.contains(name) ? HostStatus.DOWN : HostStatus.UP;
    r.migrationUri = "qemu+tcp://" + name + "/system";
    return r;
  }

  /** Instance vm1 on {@link #H1} at {@link #EPOCH}, its disk on shared storage. */
  public static InstanceRecord vm1(Flavor flavor, String xml, VmState vm, PowerState power) {
    InstanceRecord r = new InstanceRecord();
    r.id = UUID.randomUUID().toString();
    r.name = "vm1";
    r.flavor = flavor;
    r.host = H1;
    r.domainXml = xml;
    r.diskPath = SHARED_DISK;
    r.sharedStorage = true;
    r.vmState = vm;
    r.powerState = power;
    r.epoch = EPOCH;
    return r;
  }

  // ---- starting workflows

  /** Starts {@code instance:<id>} (whatever the conductor registers for it) with {@code rec}. */
  public InstanceWorkflow startInstance(InstanceRecord rec) {
    InstanceWorkflow stub =
        client.newWorkflowStub(
            InstanceWorkflow.class,
            FerryTestEnv.conductorOptions(Names.instanceWorkflowId(rec.id)));
    WorkflowClient.start(stub::run, rec);
    return client.newWorkflowStub(InstanceWorkflow.class, Names.instanceWorkflowId(rec.id));
  }

  /** Starts the instance, then the move {@code request} asks for as its child would be started. */
  public void startMove(Class<?> moveWorkflow, InstanceRecord rec, MoveRequest request) {
    startInstance(rec);
    Object stub =
        client.newWorkflowStub(
            moveWorkflow, FerryTestEnv.conductorOptions(Names.moveWorkflowId(request.moveId())));
    WorkflowStub.fromTyped(stub).start(new MoveInput(request, rec));
  }

  // ---- checks

  /** The move's search attributes, which `ferry migration list` and the web UI filter on. */
  public void assertSearchAttributes(
      String workflowId,
      String instanceId,
      String source,
      String dest,
      String type,
      String status) {
    var attributes =
        client.newUntypedWorkflowStub(workflowId).describe().getTypedSearchAttributes();
    assertEquals(instanceId, attributes.get(MoveSearchAttributes.INSTANCE_ID));
    assertEquals(source, attributes.get(MoveSearchAttributes.SOURCE_HOST));
    assertEquals(dest, attributes.get(MoveSearchAttributes.DEST_HOST));
    assertEquals(type, attributes.get(MoveSearchAttributes.MIGRATION_TYPE));
    assertEquals(status, attributes.get(MoveSearchAttributes.MIGRATION_STATUS));
  }

  /** The source's old copy (up to {@link #EPOCH}) was put on {@link #H1}'s cleanup list. */
  public void verifyTheSourceOwesItsStaleCopy() {
    verify(hostRecords)
        .addCleanup(
            eq(H1),
            argThat(
                (CleanupItem c) ->
                    c.kind() == CleanupItem.Kind.REMOVE_STALE_DOMAIN && c.epochAtMost() == EPOCH));
  }

  /** Today's {@code impl} replays the workflow's latest run (determinism: sagas, timers...). */
  public void assertReplays(String workflowId, Class<?> impl) {
    assertReplays(workflowId, null, impl);
  }

  /** Replays one run of {@code workflowId} ({@code runId}; null = the latest). */
  public void assertReplays(String workflowId, String runId, Class<?> impl) {
    TestWorkflowEnvironment replayEnv = newEnvironment();
    try {
      WorkflowReplayer.replayWorkflowExecution(
          client.fetchHistory(workflowId, runId), replayEnv, impl);
    } catch (Exception e) {
      throw new AssertionError("replay of " + workflowId + " run " + runId + " failed", e);
    } finally {
      replayEnv.close();
    }
  }

  @Override
  public void close() {
    agents.values().forEach(WorkerFactory::shutdownNow);
    env.close();
  }
}
