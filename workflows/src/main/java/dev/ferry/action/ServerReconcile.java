package dev.ferry.action;

import dev.ferry.hypervisor.HypervisorActivities;
import dev.ferry.model.ActionOutcome;
import dev.ferry.model.DomainView;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostStatus;
import dev.ferry.move.ActivityFailures;
import dev.ferry.move.ConductorCalls;
import dev.ferry.move.HostCallOptions;
import dev.ferry.placement.Admission;
import dev.ferry.placement.PlacementWorkflowImpl;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reconcile: asks every UP host's agent (one short call per host queue, all at once) whether it
 * defines the server and how its guest is, decides ({@link Reconciliation}), and when the server is
 * found on another host than the record's, moves its placement claim there before the instance
 * takes the outcome.
 */
final class ServerReconcile {

  /** An UP host's agent answers an inspect within seconds; one that does not is "unknown". */
  static final Duration ASK_WITHIN = Duration.ofSeconds(15);

  private ServerReconcile() {}

  static ActionOutcome run(ActionInput input) {
    String id = input.request().instanceId();
    List<String> hosts = ConductorCalls.get("list the hosts", c -> c.placement().hostNames());
    List<HostFinding> findings = new ArrayList<>();
    Map<String, Promise<DomainView>> asked = new LinkedHashMap<>();
    for (String host : hosts) {
      HostRecord record = ConductorCalls.get("read host " + host, c -> c.hostRecords().get(host));
      if (record.status != HostStatus.UP) {
        findings.add(HostFinding.unknown(host, "DOWN"));
        continue;
      }
      HypervisorActivities agent =
          Workflow.newActivityStub(
              HypervisorActivities.class, HostCallOptions.moveCall(host, ASK_WITHIN));
      asked.put(host, Async.function(agent::inspect, id));
    }
    for (Map.Entry<String, Promise<DomainView>> e : asked.entrySet()) {
      try {
        findings.add(HostFinding.answered(e.getKey(), e.getValue().get()));
      } catch (ActivityFailure f) {
        findings.add(HostFinding.unknown(e.getKey(), ActivityFailures.message(f)));
      }
    }
    ActionOutcome outcome =
        Reconciliation.decide(input.request().actionId(), input.host(), findings);
    if (outcome.succeeded() && outcome.host() != null && !outcome.host().equals(input.host())) {
      String consumer = PlacementWorkflowImpl.instanceConsumer(id);
      ConductorCalls.run(
          "release the claim on " + input.host(), c -> c.placement().release(consumer));
      ConductorCalls.run(
          "claim " + input.flavor().name() + " on " + outcome.host(),
          c ->
              c.placement()
                  .admit(
                      new Admission(
                          id, input.name(), outcome.host(), input.flavor().resources(), true)));
    }
    return outcome;
  }
}
