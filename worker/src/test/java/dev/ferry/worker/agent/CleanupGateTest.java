package dev.ferry.worker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ferry.host.HostWorkflow;
import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.model.AgentRegistration;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.DomainSpec;
import dev.ferry.model.DomainView;
import dev.ferry.model.HostFacts;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import dev.ferry.model.PowerState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * When the dead host returns, it destroys the evacuated copies before it serves again. The agent's
 * start-up gate: a cleanup item that fails keeps the agent from registering and serving (it says so
 * in its log and in the host's record, and retries with a backoff) until it succeeds; with every
 * item done it registers at once, as before.
 */
class CleanupGateTest {
  private static final Duration FIRST = Duration.ofSeconds(1);
  private static final Duration MAX = Duration.ofSeconds(60);

  /** Everything the gate did, in order: host calls, libvirt calls, sleeps. */
  private final List<String> calls = new ArrayList<>();

  private final FakeHost host = new FakeHost();
  private final FakeLibvirt libvirt = new FakeLibvirt();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void captureLog() {
    logged.start();
    ((Logger) LoggerFactory.getLogger(CleanupGate.class)).addAppender(logged);
  }

  @AfterEach
  void releaseLog() {
    ((Logger) LoggerFactory.getLogger(CleanupGate.class)).detachAppender(logged);
  }

  @Test
  void everyItemDoneTheAgentRegistersAtOnceAfterTheCleanup() {
    host.record.cleanup.add(item("evacuation:m1", "vm1"));
    host.record.cleanup.add(item("live:m2", "vm2"));
    libvirt.domains.put("vm1", 3L);

    HostRecord registered = gate().open(host::register);

    assertEquals(HostStatus.UP, registered.status);
    assertEquals(
        List.of(
            "get", "remove vm1", "remove vm2", "cleanupDone [evacuation:m1, live:m2]", "register"),
        calls);
    assertTrue(libvirt.domains.isEmpty());
    assertTrue(host.record.cleanup.isEmpty());
    assertTrue(host.record.enabled);
    assertEquals(List.of(), errors());
  }

  @Test
  void aFailingItemKeepsTheAgentFromServingUntilItSucceeds() {
    host.record.cleanup.add(item("evacuation:m1", "vm1"));
    host.record.cleanup.add(item("evacuation:m2", "vm2"));
    libvirt.domains.put("vm1", 3L);
    libvirt.domains.put("vm2", 3L);
    libvirt.failures.put("vm2", 2); // libvirt refuses twice, then the copy goes

    HostRecord registered = gate().open(host::register);

    assertEquals(HostStatus.UP, registered.status);
    assertEquals(
        List.of(
            "get",
            "remove vm1",
            "remove vm2", // fails
            "cleanupDone [evacuation:m1]",
            "setEnabled false AUTO: cleanup failed: evacuation:m2 (stale copy of vm2):"
                + " java.lang.IllegalStateException: libvirt: cannot destroy vm2",
            "sleep PT1S",
            "get",
            "remove vm2", // fails again: the record already says why, no second update
            "sleep PT2S",
            "get",
            "remove vm2",
            "cleanupDone [evacuation:m2]",
            "register", // only now: the host was never UP while it owed the copy
            "setEnabled true null"), // lifts its own disable
        calls);
    assertTrue(libvirt.domains.isEmpty());
    assertTrue(host.record.enabled);
    assertNull(host.record.disabledReason);
    List<String> errors = errors();
    assertEquals(2, errors.size(), errors::toString);
    for (String e : errors) {
      assertTrue(e.startsWith("NOT SERVING h1: cleanup item evacuation:m2"), e);
      assertTrue(e.contains("stale copy of vm2"), e);
      assertTrue(e.contains("cannot destroy vm2"), e);
    }
  }

  @Test
  void theBackoffDoublesUpToItsCap() {
    host.record.cleanup.add(item("evacuation:m1", "vm1"));
    libvirt.domains.put("vm1", 3L);
    libvirt.failures.put("vm1", 8);

    gate().open(host::register);

    assertEquals(
        List.of(
            "sleep PT1S",
            "sleep PT2S",
            "sleep PT4S",
            "sleep PT8S",
            "sleep PT16S",
            "sleep PT32S",
            "sleep PT1M",
            "sleep PT1M"),
        calls.stream().filter(c -> c.startsWith("sleep")).toList());
    assertEquals(1, calls.stream().filter(c -> c.equals("register")).count());
  }

  @Test
  void anOperatorsDisableIsNeitherReplacedNorLifted() {
    host.record.enabled = false;
    host.record.disabledReason = "maintenance window";
    host.record.cleanup.add(item("evacuation:m1", "vm1"));
    libvirt.domains.put("vm1", 3L);
    libvirt.failures.put("vm1", 1);

    gate().open(host::register);

    assertTrue(calls.stream().noneMatch(c -> c.startsWith("setEnabled")), calls::toString);
    assertEquals("maintenance window", host.record.disabledReason);
    assertTrue(calls.contains("register"));
  }

  @Test
  void aDisableLeftByAnEarlierIncarnationIsLiftedOnceTheCleanupIsDone() {
    host.record.enabled = false;
    host.record.disabledReason = CleanupGate.AUTO_DISABLED_PREFIX + "evacuation:m1 (...)";
    host.record.cleanup.add(item("evacuation:m1", "vm1"));

    gate().open(host::register);

    assertTrue(host.record.enabled);
    assertEquals("setEnabled true null", calls.get(calls.size() - 1));
  }

  @Test
  void stoppingWhileRefusingEndsTheWaitWithoutEverRegistering() {
    host.record.cleanup.add(item("evacuation:m1", "vm1"));
    libvirt.domains.put("vm1", 3L);
    libvirt.failures.put("vm1", 100);
    CleanupGate gate =
        new CleanupGate(
            "h1",
            new AgentReconciler("h1", libvirt, null),
            host,
            d -> {
              calls.add("sleep " + d);
              stopping.set(true); // SIGTERM while waiting to retry
            },
            stopping::get,
            FIRST,
            MAX);

    assertNull(gate.open(host::register));

    assertTrue(calls.stream().noneMatch(c -> c.equals("register")), calls::toString);
    assertEquals(1, calls.stream().filter(c -> c.equals("remove vm1")).count());
  }

  @Test
  void anItemOwedSinceTheListWasReadIsDoneBeforeServing() {
    host.record.cleanup.add(item("evacuation:m1", "vm1"));
    // between the read and the registration, a move that lost this host owes another copy
    host.onRegister = () -> host.record.cleanup.add(item("live:m9", "vm9"));
    libvirt.domains.put("vm9", 5L);
    libvirt.failures.put("vm9", 1);

    HostRecord registered = gate().open(host::register);

    assertEquals(HostStatus.UP, registered.status);
    assertEquals(
        List.of(
            "get",
            "remove vm1",
            "cleanupDone [evacuation:m1]",
            "register",
            "remove vm9", // fails: registered, but no work is polled
            "setEnabled false AUTO: cleanup failed: live:m9 (stale copy of vm9):"
                + " java.lang.IllegalStateException: libvirt: cannot destroy vm9",
            "sleep PT1S",
            "get",
            "remove vm9",
            "cleanupDone [live:m9]",
            "register", // UP again (its lease may have lapsed meanwhile)
            "setEnabled true null"),
        calls);
  }

  // ---- fixtures ------------------------------------------------------------------------------

  private CleanupGate gate() {
    return new CleanupGate(
        "h1",
        new AgentReconciler("h1", libvirt, null),
        host,
        d -> calls.add("sleep " + d),
        stopping::get,
        FIRST,
        MAX);
  }

  private static CleanupItem item(String id, String instanceId) {
    return new CleanupItem(
        id,
        CleanupItem.Kind.REMOVE_STALE_DOMAIN,
        instanceId,
        3,
        null,
        "stale copy of " + instanceId);
  }

  private List<String> errors() {
    return logged.list.stream()
        .filter(e -> e.getLevel() == Level.ERROR)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  /** The host's record as its HostWorkflow keeps it; each call is written to {@code calls}. */
  private final class FakeHost implements HostWorkflow {
    final HostRecord record = new HostRecord();
    Runnable onRegister = () -> {};

    FakeHost() {
      record.name = "h1";
    }

    /** register, as the update does: UP; the record it returns carries the current list. */
    HostRecord register() {
      calls.add("register");
      onRegister.run();
      onRegister = () -> {};
      record.status = HostStatus.UP;
      return copy();
    }

    private HostRecord copy() {
      HostRecord r = new HostRecord();
      r.name = record.name;
      r.status = record.status;
      r.enabled = record.enabled;
      r.disabledReason = record.disabledReason;
      r.cleanup = new ArrayList<>(record.cleanup);
      return r;
    }

    @Override
    public HostRecord get() {
      calls.add("get");
      return copy();
    }

    @Override
    public void cleanupDone(List<String> itemIds) {
      calls.add("cleanupDone " + itemIds);
      record.cleanup.removeIf(c -> itemIds.contains(c.id()));
    }

    @Override
    public HostRecord retryCleanup() {
      throw new UnsupportedOperationException();
    }

    @Override
    public HostRecord dropCleanup(String itemId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void validateDropCleanup(String itemId) {}

    @Override
    public HostRecord setEnabled(boolean enabled, String reason) {
      calls.add("setEnabled " + enabled + " " + reason);
      record.enabled = enabled;
      record.disabledReason = enabled ? null : reason;
      return copy();
    }

    @Override
    public void run(HostRecord record) {
      throw new UnsupportedOperationException();
    }

    @Override
    public HostRecord register(AgentRegistration registration) {
      throw new UnsupportedOperationException();
    }

    @Override
    public HostRecord setForcedDown(boolean forcedDown) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void retire() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void validateRetire() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void validateSetEnabled(boolean enabled, String reason) {}

    @Override
    public boolean acquireSlot(String moveId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void releaseSlot(String moveId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void addCleanup(CleanupItem item) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void reportUnmanaged(List<String> domainNames) {
      throw new UnsupportedOperationException();
    }
  }

  /** A host's libvirt: domains by instance id with their epoch; some removals fail N times. */
  private final class FakeLibvirt implements HypervisorActivities {
    final Map<String, Long> domains = new HashMap<>();
    final Map<String, Integer> failures = new HashMap<>();

    @Override
    public DomainView remove(String instanceId, long epochAtMost) {
      calls.add("remove " + instanceId);
      int left = failures.getOrDefault(instanceId, 0);
      if (left > 0) {
        failures.put(instanceId, left - 1);
        throw new IllegalStateException("libvirt: cannot destroy " + instanceId);
      }
      Long epoch = domains.remove(instanceId);
      return epoch == null
          ? DomainView.absent(instanceId)
          : new DomainView(
              true, instanceId, instanceId, PowerState.SHUTDOWN, 1, 128, instanceId, epoch, "");
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
      throw new UnsupportedOperationException();
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
