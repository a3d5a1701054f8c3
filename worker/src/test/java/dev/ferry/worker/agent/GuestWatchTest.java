package dev.ferry.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import dev.ferry.hypervisor.libvirt.LifecycleEvents;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.instance.InstanceWorkflowImpl;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavors;
import dev.ferry.model.GuestObservation;
import dev.ferry.model.GuestState;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveOutcome;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import dev.ferry.model.VmState;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.slf4j.LoggerFactory;

/**
 * The instance record follows its guest: an agent's guest watch on libvirt's test driver ({@code
 * test:///default}, which emits lifecycle events for changes made through the same connection)
 * reports to a real InstanceWorkflow on Temporal's test server.
 */
class GuestWatchTest {
  private static final String HOST = "h1";
  private static final long EPOCH = 3;
  private static final Duration DEBOUNCE = Duration.ofSeconds(1);
  private static final Duration WITHIN = Duration.ofSeconds(5);
  private static final GuestWatch.Settings FAST =
      new GuestWatch.Settings(
          DEBOUNCE,
          Duration.ofMillis(200),
          Duration.ofSeconds(60),
          Duration.ofMillis(100),
          Duration.ofSeconds(1),
          64);
  private static final Pattern LATENCY = Pattern.compile("applied (\\d+) ms after it");

  private final String id = UUID.randomUUID().toString();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private LibvirtConnection libvirt;
  private GuestWatch watch;
  private Set<String> claimedHere = Set.of();

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    env.newWorker(Names.CONDUCTOR_QUEUE)
        .registerWorkflowImplementationTypes(InstanceWorkflowImpl.class);
    env.start();
    client = env.getWorkflowClient();
    libvirt = LibvirtConnection.open(TestGuests.URI);
    logged.start();
    ((Logger) LoggerFactory.getLogger(GuestReports.class)).addAppender(logged);
  }

  @AfterEach
  void tearDown() throws Exception {
    ((Logger) LoggerFactory.getLogger(GuestReports.class)).detachAppender(logged);
    if (watch != null) {
      watch.close();
    }
    TestGuests.remove(libvirt, id);
    libvirt.close();
    env.close();
  }

  @Test
  void theRecordFollowsSuspendResumeDestroyAndUndefine() throws Exception {
    InstanceWorkflow instance = startInstance(false);
    defineAndStartDomain();
    // what the record already says is refused, and writes nothing (this also warms up the test
    // server's update path, whose first call can take seconds on a loaded machine)
    RuntimeException unchanged =
        assertThrows(
            RuntimeException.class,
            () ->
                instance.observeGuest(
                    new GuestObservation(id, HOST, EPOCH, GuestState.RUNNING, null)));
    assertEquals(
        Reason.NO_CHANGE, FerryRejection.from(unchanged).map(FerryRejection::reason).orElse(null));
    startWatch();

    onDomain(Domain::suspend);
    awaitRecord(instance, r -> r.vmState == VmState.PAUSED && r.powerState == PowerState.PAUSED);
    onDomain(Domain::resume);
    awaitRecord(instance, r -> r.vmState == VmState.ACTIVE && r.powerState == PowerState.RUNNING);

    // a reboot: stopped and started again within the debounce is no stop for the record
    onDomain(Domain::destroy);
    onDomain(Domain::create);
    onDomain(Domain::suspend);
    awaitRecord(instance, r -> r.vmState == VmState.PAUSED);
    assertFalse(
        applied().stream().anyMatch(m -> m.contains("-> STOPPED")), "never stopped: " + applied());
    onDomain(Domain::resume);
    awaitRecord(instance, r -> r.vmState == VmState.ACTIVE);

    long destroyed = System.nanoTime();
    onDomain(Domain::destroy);
    awaitRecord(instance, r -> r.vmState == VmState.STOPPED && r.powerState == PowerState.SHUTDOWN);
    Duration toStopped = Duration.ofNanos(System.nanoTime() - destroyed);
    assertTrue(toStopped.compareTo(DEBOUNCE) >= 0, "applied after the debounce: " + toStopped);

    onDomain(Domain::undefine);
    InstanceRecord missing = awaitRecord(instance, r -> r.vmState == VmState.ERROR);
    assertEquals(PowerState.NOSTATE, missing.powerState);
    assertEquals("domain missing on host " + HOST, missing.lastError);

    List<Long> latencies = latencies();
    assertEquals(6, latencies.size(), "every change applied once, with its latency: " + applied());
    System.out.println(
        "event-to-applied latencies (ms, the stop includes its debounce): " + latencies);
  }

  @Test
  void aReportWaitsWhileAMoveHoldsTheInstanceAndIsAppliedOnceItCloses() throws Exception {
    InstanceWorkflow instance = startInstance(true);
    defineAndStartDomain();
    startWatch();

    onDomain(Domain::suspend);
    await(() -> watch.isDeferred(id), "the report deferred");
    InstanceRecord held = instance.get();
    assertEquals(VmState.ACTIVE, held.vmState, "the move holds the record: nothing applied");
    assertEquals(PowerState.RUNNING, held.powerState);

    instance.moveClosed(
        new MoveOutcome(
            "m1",
            "done",
            true,
            HOST,
            held.flavor,
            EPOCH,
            null,
            VmState.ACTIVE,
            PowerState.RUNNING,
            null));
    awaitRecord(instance, r -> !r.isBusy() && r.vmState == VmState.PAUSED);
    await(() -> !watch.isDeferred(id), "nothing deferred any more");
  }

  @Test
  void anInstanceClaimedHereWhoseDomainVanishedIsMissingAfterTheFirstFullPass() throws Exception {
    InstanceWorkflow instance = startInstance(false);
    claimedHere = Set.of(id); // placement puts it here; libvirt has no such domain
    startWatch();

    InstanceRecord missing = awaitRecord(instance, r -> r.vmState == VmState.ERROR);
    assertEquals("domain missing on host " + HOST, missing.lastError);
  }

  private void startWatch() throws LibvirtException {
    LifecycleEvents events = LifecycleEvents.listen(libvirt, FAST.queueCapacity());
    GuestReports reports = new GuestReports(HOST, libvirt, GuestReports.through(client));
    watch = new GuestWatch(HOST, events, reports, host -> claimedHere, FAST);
    watch.start();
  }

  private InstanceWorkflow startInstance(boolean busy) {
    InstanceRecord rec = new InstanceRecord();
    rec.id = id;
    rec.name = "vm-" + id.substring(0, 8);
    rec.flavor = Flavors.require("t1.nano");
    rec.host = HOST;
    rec.epoch = EPOCH;
    rec.vmState = VmState.ACTIVE;
    rec.powerState = PowerState.RUNNING;
    if (busy) {
      rec.currentMoveId = "m1";
      rec.currentMoveType = MoveType.RESIZE;
    }
    InstanceWorkflow stub =
        client.newWorkflowStub(
            InstanceWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(Names.instanceWorkflowId(id))
                .setTaskQueue(Names.CONDUCTOR_QUEUE)
                .build());
    WorkflowClient.start(stub::run, rec);
    return client.newWorkflowStub(InstanceWorkflow.class, Names.instanceWorkflowId(id));
  }

  private void defineAndStartDomain() throws LibvirtException {
    TestGuests.defineAndStart(libvirt, id, EPOCH);
  }

  private void onDomain(TestGuests.DomainCall call) throws LibvirtException {
    TestGuests.on(libvirt, id, call);
  }

  private static InstanceRecord awaitRecord(
      InstanceWorkflow instance, Predicate<InstanceRecord> condition) throws InterruptedException {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    InstanceRecord last = instance.get();
    while (!condition.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "record not as expected within "
                + WITHIN
                + ": "
                + last.vmState
                + "/"
                + last.powerState
                + " busy="
                + last.isBusy()
                + " lastError="
                + last.lastError);
      }
      Thread.sleep(20);
      last = instance.get();
    }
    return last;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within " + WITHIN);
      }
      Thread.sleep(20);
    }
  }

  /** The applied changes the watch logged. */
  private List<String> applied() {
    List<String> out = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(logged.list)) {
      if (LATENCY.matcher(e.getFormattedMessage()).find()) {
        out.add(e.getFormattedMessage());
      }
    }
    return out;
  }

  private List<Long> latencies() {
    List<Long> out = new ArrayList<>();
    for (String m : applied()) {
      Matcher matcher = LATENCY.matcher(m);
      if (matcher.find()) {
        out.add(Long.parseLong(matcher.group(1)));
      }
    }
    return out;
  }
}
