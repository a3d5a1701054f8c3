package dev.ferry.worker.agent;

import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.DomainView;
import dev.ferry.model.HostRecord;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.Names;
import dev.ferry.model.VmState;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an agent does at start-up before it polls work (Nova's {@code
 * _cleanup_incomplete_migrations}): runs the host's cleanup list, removes copies that the instance
 * records say are stale, and reports domains that no record explains.
 */
public class AgentReconciler {
  private static final Logger log = LoggerFactory.getLogger(AgentReconciler.class);

  private final String hostName;
  private final HypervisorActivities hypervisor;
  private final WorkflowClient client;

  public AgentReconciler(String hostName, HypervisorActivities hypervisor, WorkflowClient client) {
    this.hostName = hostName;
    this.hypervisor = hypervisor;
    this.client = client;
  }

  /** Returns the ids of the cleanup items done. */
  public List<String> runCleanup(HostRecord record) {
    return cleanUp(record.cleanup).done();
  }

  /**
   * What a pass over cleanup items did.
   *
   * @param done the ids of the items done
   * @param failed the items that failed, with why, in list order
   */
  public record CleanupOutcome(List<String> done, Map<CleanupItem, String> failed) {}

  /** Runs each item; one failing does not stop the others. */
  public CleanupOutcome cleanUp(List<CleanupItem> items) {
    List<String> done = new ArrayList<>();
    Map<CleanupItem, String> failed = new LinkedHashMap<>();
    for (CleanupItem item : items) {
      try {
        DomainView removed = hypervisor.remove(item.instanceId(), item.epochAtMost());
        if (item.kind() == CleanupItem.Kind.REMOVE_DOMAIN_AND_DISK && item.diskPath() != null) {
          Files.deleteIfExists(Path.of(item.diskPath()));
        }
        log.info("cleanup {}: {} (domain found: {})", item.id(), item.reason(), removed.exists());
        done.add(item.id());
        if (item.evacuationMoveId() != null) {
          evacuationCompleted(item);
        }
      } catch (Exception e) {
        log.warn("cleanup {} ({}) failed: {}", item.id(), item.reason(), e.toString());
        failed.put(item, e.toString());
      }
    }
    return new CleanupOutcome(done, failed);
  }

  /**
   * The stale copy an evacuation left here is gone (before this agent serves): the evacuation is
   * recorded {@code completed} on its instance. A lost signal costs only that record.
   */
  private void evacuationCompleted(CleanupItem item) {
    try {
      client
          .newWorkflowStub(InstanceWorkflow.class, Names.instanceWorkflowId(item.instanceId()))
          .evacuationCompleted(item.evacuationMoveId());
    } catch (RuntimeException e) {
      log.warn(
          "evacuation {} of {} not recorded completed: {}",
          item.evacuationMoveId(),
          item.instanceId(),
          e.toString());
    }
  }

  /** Removes stale copies; returns the names of domains that no instance record explains. */
  public List<String> reconcileDomains() {
    List<String> unexplained = new ArrayList<>();
    for (DomainView domain : hypervisor.listDomains()) {
      if (domain.ferryInstanceId() == null) {
        unexplained.add(domain.name());
        continue;
      }
      InstanceRecord record = instance(domain.ferryInstanceId());
      if (record == null) {
        unexplained.add(domain.name());
      } else if (isStale(domain, record)) {
        log.info(
            "removing stale copy of {} (epoch {}; the record says {} epoch {})",
            record.name,
            domain.epoch(),
            record.host,
            record.epoch);
        hypervisor.remove(domain.uuid(), domain.epoch());
      }
    }
    return unexplained;
  }

  /**
   * A copy is stale when its instance lives elsewhere or has moved on since. A copy whose instance
   * is mid-move belongs to that move (the destination copy of a resize, say): left alone.
   */
  boolean isStale(DomainView domain, InstanceRecord record) {
    if (record.vmState == VmState.DELETED) {
      return true;
    }
    if (record.isBusy()) {
      return false;
    }
    return !hostName.equals(record.host) || domain.epoch() < record.epoch;
  }

  private InstanceRecord instance(String instanceId) {
    try {
      return client
          .newWorkflowStub(InstanceWorkflow.class, Names.instanceWorkflowId(instanceId))
          .get();
    } catch (WorkflowNotFoundException e) {
      return null;
    }
  }
}
