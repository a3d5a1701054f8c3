package dev.ferry.worker.agent;

import dev.ferry.host.HostWorkflowImpl;
import dev.ferry.host.agent.HostLeaseActivitiesImpl;
import dev.ferry.host.agent.LeaseDeadline;
import dev.ferry.host.agent.LeaseHeartbeats;
import dev.ferry.host.agent.LeaseWatch;
import dev.ferry.host.agent.StallDetector;
import dev.ferry.hypervisor.libvirt.GuestTemplate;
import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import dev.ferry.hypervisor.libvirt.LibvirtDiskActivities;
import dev.ferry.hypervisor.libvirt.LibvirtHypervisorActivities;
import dev.ferry.hypervisor.libvirt.live.LiveHostActivitiesImpl;
import dev.ferry.model.Names;
import dev.ferry.worker.config.FerryProperties;
import dev.ferry.worker.config.TemporalConnection;
import dev.ferry.worker.config.Workers;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The host agent: one process per compute host, pinned to {@code ferry-host-<name>}. At start-up it
 * opens libvirt, runs its host's cleanup list (while an item fails it does not serve: {@link
 * CleanupGate}), registers with its HostWorkflow under a fresh incarnation, reconciles domains, and
 * only then polls work ({@link HostRegistrar}). When it finds its lease lost while it kept running,
 * it comes back the same way under a new incarnation ({@link LeaseRecovery}). Once it serves, its
 * guests' records follow what libvirt says of them ({@link GuestWatch}).
 *
 * <p>Its libvirt writes are gated by one {@link LeaseDeadline}: allowed only while a heartbeat of
 * its lease acknowledged by the server covers now (the lease activity extends it, a refusal or a
 * stall of the process, {@link StallDetector}, expires it), except during its join. Reads are never
 * gated. Activities polled before the first acknowledged heartbeat (within a second of polling)
 * have their writes refused and are retried.
 */
@Component
@ConditionalOnProperty(name = "ferry.role", havingValue = "agent")
public class HostAgent implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(HostAgent.class);

  /**
   * No lease of its incarnation for longer than this, the agent suspects it lost its lease. While
   * the conductor runs, a lease is followed by the next within a second, and the first one waits in
   * the queue only until the agent polls. A longer quiet means the last lease ended while the
   * server or the conductor was away (its end unreported: the server times it out as the heartbeat
   * timeout passed, the host goes DOWN), or that the conductor has not granted the next one yet:
   * the HostWorkflow tells which. As long as the heartbeat timeout, so that the host is UP again
   * within about that long after the server is back.
   */
  static final Duration LEASE_QUIET_LIMIT = HostWorkflowImpl.LEASE_HEARTBEAT_TIMEOUT;

  /** How often the agent looks at its lease (in memory; its HostWorkflow only when suspect). */
  static final Duration LEASE_CHECK_EVERY = Duration.ofSeconds(1);

  /**
   * A lease heartbeat unanswered after this proves nothing and is given up: the next tick sends
   * another. Well under the heartbeat timeout, so one slow answer does not use up the deadline.
   */
  static final Duration LEASE_HEARTBEAT_ANSWER_WITHIN = Duration.ofSeconds(2);

  private final FerryProperties properties;
  private final AtomicBoolean shuttingDown = new AtomicBoolean();
  private LibvirtConnection libvirt;
  private WorkerFactory factory;
  private ScheduledExecutorService leaseChecks;
  private StallDetector stalls;
  private GuestWatch guests;

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
    LeaseDeadline lease = new LeaseDeadline(name);
    libvirt.gateWrites(lease);
    stalls = StallDetector.start(name, lease);
    WorkflowClient client = TemporalConnection.connect(properties.temporal());
    String incarnation = newIncarnation();
    var hypervisor = new LibvirtHypervisorActivities(libvirt, guestTemplate(host.guest()));
    HostRegistrar registrar =
        new HostRegistrar(name, host, client, hypervisor, shuttingDown::get, lease);
    joinBeforeServing(name, registrar, incarnation);

    LeaseWatch watch = new LeaseWatch(incarnation, LEASE_QUIET_LIMIT);
    factory = WorkerFactory.newInstance(client);
    Worker worker =
        factory.newWorker(Names.hostQueue(name), Workers.agentOptions(properties.temporal()));
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
        new HostLeaseActivitiesImpl(
            watch,
            lease,
            LeaseHeartbeats.direct(client, LEASE_HEARTBEAT_ANSWER_WITHIN),
            libvirt,
            host.leasePeriod(),
            shuttingDown::get),
        new HostCleanupActivitiesImpl(new AgentReconciler(name, hypervisor, client)));
    factory.start();
    watchLease(name, watch, registrar);
    guests = GuestWatch.start(name, libvirt, client, GuestWatch.Settings.DEFAULTS);
    log.info(
        "Ferry host agent {} (incarnation {}) serving {} on {}",
        name,
        incarnation,
        host.libvirtUri(),
        Names.hostQueue(name));
  }

  /**
   * The start-up join ({@link HostRegistrar#join}); blocks while a cleanup item fails. A SIGTERM
   * meanwhile ends the wait (and the start-up).
   */
  private void joinBeforeServing(String name, HostRegistrar registrar, String incarnation) {
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
      if (!registrar.join(incarnation)) {
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

  /**
   * Starts the thread that notices a lost lease and brings the agent back ({@link LeaseRecovery}).
   */
  private void watchLease(String name, LeaseWatch watch, HostRegistrar registrar) {
    LeaseRecovery recovery =
        new LeaseRecovery(
            name,
            watch,
            LeaseRecovery.agent(registrar, factory, libvirt),
            shuttingDown::get,
            HostAgent::newIncarnation,
            System::nanoTime);
    leaseChecks = recovery.checkEvery(LEASE_CHECK_EVERY);
  }

  private static String newIncarnation() {
    return UUID.randomUUID().toString();
  }

  private static GuestTemplate guestTemplate(FerryProperties.Guest guest) {
    return new GuestTemplate(
        new GuestTemplate.Settings(
            guest.kernel(), guest.initrd(), guest.cmdline(), guest.consoleDir()));
  }

  @Override
  public void stop() {
    shuttingDown.set(true);
    if (leaseChecks != null) {
      // Not coming back while stopping: a join under way is interrupted (its gate returns).
      leaseChecks.shutdownNow();
      awaitQuietly(leaseChecks);
      leaseChecks = null;
    }
    if (guests != null) {
      guests.close();
      guests = null;
    }
    if (factory != null) {
      // Let the lease return RELEASED (the host goes DOWN at once) before the worker stops.
      factory.shutdown();
      factory.awaitTermination(5, TimeUnit.SECONDS);
      factory = null;
    }
    if (stalls != null) {
      stalls.close();
      stalls = null;
    }
    if (libvirt != null) {
      libvirt.close();
      libvirt = null;
    }
  }

  private static void awaitQuietly(ScheduledExecutorService executor) {
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean isRunning() {
    return factory != null;
  }
}
