package dev.ferry.worker.agent;

import dev.ferry.host.HostWorkflow;
import dev.ferry.host.agent.LeaseDeadline;
import dev.ferry.hypervisor.libvirt.LibvirtHypervisorActivities;
import dev.ferry.model.AgentRegistration;
import dev.ferry.model.HostFacts;
import dev.ferry.model.HostRecord;
import dev.ferry.model.Names;
import dev.ferry.worker.config.FerryProperties;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * How the agent joins its host, at start-up and again after it lost its lease: the host's cleanup
 * list first ({@link CleanupGate}: while an item fails, it does not register), then the
 * registration under an incarnation, then reconciliation (stale copies removed, domains no record
 * explains reported). Its libvirt writes are exempt from the lease gate ({@link
 * LeaseDeadline#joining}): it runs before the agent holds a lease, and is how it gets one.
 */
final class HostRegistrar {

  /** A failing cleanup item is tried again after 1 s, 2 s, 4 s, ... at most every minute. */
  static final Duration CLEANUP_RETRY_FIRST = Duration.ofSeconds(1);

  static final Duration CLEANUP_RETRY_MAX = Duration.ofMinutes(1);

  private final String name;
  private final FerryProperties.Host config;
  private final WorkflowClient client;
  private final LibvirtHypervisorActivities hypervisor;
  private final BooleanSupplier stopping;
  private final LeaseDeadline lease;
  private final AgentReconciler reconciler;
  private final HostWorkflow hostWorkflow;

  HostRegistrar(
      String name,
      FerryProperties.Host config,
      WorkflowClient client,
      LibvirtHypervisorActivities hypervisor,
      BooleanSupplier stopping,
      LeaseDeadline lease) {
    this.name = name;
    this.config = config;
    this.client = client;
    this.hypervisor = hypervisor;
    this.stopping = stopping;
    this.lease = lease;
    this.reconciler = new AgentReconciler(name, hypervisor, client);
    this.hostWorkflow = client.newWorkflowStub(HostWorkflow.class, Names.hostWorkflowId(name));
  }

  /**
   * Cleans up, registers under {@code incarnation}, reconciles. Blocks, retrying with a backoff,
   * while a cleanup item fails. Returns false when the agent stops (or the thread is interrupted)
   * before it registered; never registers once the agent is stopping.
   */
  boolean join(String incarnation) {
    return lease.joining(() -> cleanUpRegisterReconcile(incarnation));
  }

  private boolean cleanUpRegisterReconcile(String incarnation) {
    HostFacts facts = hypervisor.hostFacts();
    startHostWorkflow();
    // What the host owes is done before it registers; while an item fails, no serving.
    HostRecord registered =
        new CleanupGate(
                name,
                reconciler,
                hostWorkflow,
                d -> Thread.sleep(d.toMillis()),
                stopping,
                CLEANUP_RETRY_FIRST,
                CLEANUP_RETRY_MAX)
            .open(() -> register(incarnation, facts));
    if (registered == null) {
      return false;
    }
    hostWorkflow.reportUnmanaged(reconciler.reconcileDomains());
    return true;
  }

  /** The host's record as its HostWorkflow has it; null when there is no such workflow. */
  HostRecord read() {
    try {
      return hostWorkflow.get();
    } catch (WorkflowNotFoundException e) {
      return null;
    }
  }

  /** Idempotent: a server that lost the HostWorkflow gets it back. */
  private void startHostWorkflow() {
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

  private HostRecord register(String incarnation, HostFacts facts) {
    if (stopping.getAsBoolean()) {
      throw new IllegalStateException("host agent " + name + " is stopping: not registering");
    }
    return hostWorkflow.register(
        new AgentRegistration(
            incarnation,
            facts.hypervisorType(),
            facts.hypervisorVersion(),
            config.libvirtUri(),
            config.migrationUri(),
            config.inventory(),
            config.maxConcurrentLiveMigrations(),
            config.leasePeriod()));
  }
}
