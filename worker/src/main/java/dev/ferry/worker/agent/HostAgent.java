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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The host agent: one process per compute host, pinned to {@code ferry-host-<name>}. At start-up it
 * opens libvirt, registers with its HostWorkflow under a fresh incarnation, runs the cleanup list
 * and reconciles domains, and only then polls work.
 */
@Component
@ConditionalOnProperty(name = "ferry.role", havingValue = "agent")
public class HostAgent implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(HostAgent.class);

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

    HostRecord record = register(client, name, incarnation, hypervisor.hostFacts());
    AgentReconciler reconciler = new AgentReconciler(name, hypervisor, client);
    HostWorkflow hostWorkflow =
        client.newWorkflowStub(HostWorkflow.class, Names.hostWorkflowId(name));
    List<String> done = reconciler.runCleanup(record);
    if (!done.isEmpty()) {
      hostWorkflow.cleanupDone(done);
    }
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

  private HostRecord register(
      WorkflowClient client, String name, String incarnation, HostFacts facts) {
    HostRecord initial = new HostRecord();
    initial.name = name;
    HostWorkflow starter =
        client.newWorkflowStub(
            HostWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(Names.hostWorkflowId(name))
                .setTaskQueue(Names.CONDUCTOR_QUEUE)
                .build());
    try {
      WorkflowClient.start(starter::run, initial);
    } catch (WorkflowExecutionAlreadyStarted e) {
      // the host is known: register with it
    }
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
