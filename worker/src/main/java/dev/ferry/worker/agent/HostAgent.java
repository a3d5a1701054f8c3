package dev.ferry.worker.agent;

import dev.ferry.host.HostWorkflow;
import dev.ferry.host.agent.HostLeaseActivitiesImpl;
import dev.ferry.hypervisor.libvirt.GuestTemplate;
import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import dev.ferry.hypervisor.libvirt.LibvirtDiskActivities;
import dev.ferry.hypervisor.libvirt.LibvirtHypervisorActivities;
import dev.ferry.live.LiveHostActivitiesImpl;
import dev.ferry.model.AgentRegistration;
import dev.ferry.model.HostFacts;
import dev.ferry.model.HostRecord;
import dev.ferry.model.Names;
import dev.ferry.worker.config.FerryProperties;
import dev.ferry.worker.config.TemporalConnection;
import dev.ferry.worker.config.Workers;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The host agent: one process per compute host, pinned to {@code ferry-host-<name>}. At start-up it
 * opens libvirt, runs its host's cleanup list (while an item fails it does not serve: {@link
 * CleanupGate}), registers with its HostWorkflow under a fresh incarnation, reconciles domains, and
 * only then polls work.
 */
@Component
@ConditionalOnProperty(name = "ferry.role", havingValue = "agent")
public class HostAgent implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(HostAgent.class);

  /** A failing cleanup item is tried again after 1 s, 2 s, 4 s, ... at most every minute. */
  static final Duration CLEANUP_RETRY_FIRST = Duration.ofSeconds(1);

  static final Duration CLEANUP_RETRY_MAX = Duration.ofMinutes(1);

  private final FerryProperties properties;
  private final AtomicBoolean shuttingDown = new AtomicBoolean();
  private LibvirtConnection libvirt;
  private WorkerFactory factory;

  public HostAgent(FerryProperties properties) {
    this.properties = properties;
  }

  @Override
  public void start() {
    FerryProperties.Host host = properties.host();
    String name = Names.requireValidName("host", host.name());
    if (host.libvirtUri() == null || host.libvirtUri().isBlank()) {
      throw new IllegalStateException("ferry.host.libvirt-uri is not set for host " + name);
    }
    libvirt = LibvirtConnection.open(host.libvirtUri());
    WorkflowClient client = TemporalConnection.connect(properties.temporal());
    String incarnation = UUID.randomUUID().toString();
    var hypervisor = new LibvirtHypervisorActivities(libvirt, guestTemplate(host.guest()));

    HostFacts facts = hypervisor.hostFacts();
    startHostWorkflow(client, name);
    AgentReconciler reconciler = new AgentReconciler(name, hypervisor, client);
    HostWorkflow hostWorkflow =
        client.newWorkflowStub(HostWorkflow.class, Names.hostWorkflowId(name));
    // Issue 6: what the host owes is done before it registers; while an item fails, no serving.
    cleanUpThenRegister(
        name, reconciler, hostWorkflow, () -> register(client, name, incarnation, facts));
    hostWorkflow.reportUnmanaged(reconciler.reconcileDomains());

    factory = WorkerFactory.newInstance(client);
    Worker worker =
        factory.newWorker(Names.hostQueue(name), Workers.options(properties.temporal()));
    worker.registerActivitiesImplementations(
        hypervisor,
        new LibvirtDiskActivities(
            libvirt,
            new LibvirtDiskActivities.Settings(
                host.disk().localDir(),
                host.disk().sharedDir(),
                host.disk().imagesDir(),
                host.disk().copyMaxMibPerSecond() * 1024 * 1024)),
        new LiveHostActivitiesImpl(libvirt, client),
        new HostLeaseActivitiesImpl(incarnation, libvirt, host.leasePeriod(), shuttingDown::get));
    factory.start();
    log.info(
        "Ferry host agent {} (incarnation {}) serving {} on {}",
        name,
        incarnation,
        host.libvirtUri(),
        Names.hostQueue(name));
  }

  /**
   * Runs the host's cleanup list, then registers ({@link CleanupGate}); blocks, retrying with a
   * backoff, while an item fails. A SIGTERM meanwhile ends the wait (and the start-up).
   */
  private void cleanUpThenRegister(
      String name,
      AgentReconciler reconciler,
      HostWorkflow hostWorkflow,
      Supplier<HostRecord> register) {
    Thread starting = Thread.currentThread();
    Thread onSigterm =
        new Thread(
            () -> {
              shuttingDown.set(true);
              starting.interrupt();
            },
            "ferry-agent-stop-before-serving");
    Runtime.getRuntime().addShutdownHook(onSigterm);
    try {
      HostRecord registered =
          new CleanupGate(
                  name,
                  reconciler,
                  hostWorkflow,
                  d -> Thread.sleep(d.toMillis()),
                  shuttingDown::get,
                  CLEANUP_RETRY_FIRST,
                  CLEANUP_RETRY_MAX)
              .open(register);
      if (registered == null) {
        throw new IllegalStateException(
            "host agent " + name + " stopped before it served: its cleanup list is not done");
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(onSigterm);
      } catch (IllegalStateException e) {
        // the JVM is shutting down already
      }
    }
  }

  private static void startHostWorkflow(WorkflowClient client, String name) {
    HostRecord initial = new HostRecord();
    initial.name = name;
    HostWorkflow starter =
        client.newWorkflowStub(
            HostWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(Names.hostWorkflowId(name))
                .setTaskQueue(Names.CONDUCTOR_QUEUE)
                // its first run only (lost at continue-as-new): current details say the rest
                .setStaticSummary("host " + name + ": lease, migration slots, cleanup owed")
                .build());
    try {
      WorkflowClient.start(starter::run, initial);
    } catch (WorkflowExecutionAlreadyStarted e) {
      // the host is known
    }
  }

  private HostRecord register(
      WorkflowClient client, String name, String incarnation, HostFacts facts) {
    FerryProperties.Host host = properties.host();
    return client
        .newWorkflowStub(HostWorkflow.class, Names.hostWorkflowId(name))
        .register(
            new AgentRegistration(
                incarnation,
                facts.hypervisorType(),
                facts.hypervisorVersion(),
                host.libvirtUri(),
                host.migrationUri(),
                host.inventory(),
                host.maxConcurrentLiveMigrations()));
  }

  private static GuestTemplate guestTemplate(FerryProperties.Guest guest) {
    return new GuestTemplate(
        new GuestTemplate.Settings(
            guest.kernel(), guest.initrd(), guest.cmdline(), guest.consoleDir()));
  }

  @Override
  public void stop() {
    shuttingDown.set(true);
    if (factory != null) {
      // Let the lease return RELEASED (the host goes DOWN at once) before the worker stops.
      factory.shutdown();
      factory.awaitTermination(5, TimeUnit.SECONDS);
      factory = null;
    }
    if (libvirt != null) {
      libvirt.close();
      libvirt = null;
    }
  }

  @Override
  public boolean isRunning() {
    return factory != null;
  }
}
