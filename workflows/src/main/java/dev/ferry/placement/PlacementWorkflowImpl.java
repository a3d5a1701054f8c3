package dev.ferry.placement;

import dev.ferry.entities.Entities;
import dev.ferry.entities.EntityDetails;
import dev.ferry.entities.WorkflowInspectionActivities;
import dev.ferry.model.Claim;
import dev.ferry.model.ClaimCheck;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.HostSummary;
import dev.ferry.model.Names;
import dev.ferry.model.PlacementView;
import dev.ferry.model.Settings;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Placement: the claims ledger, the host list and the instance name index. */
public class PlacementWorkflowImpl implements PlacementWorkflow {

  /**
   * A claim younger than this is not reconciled: `server create` admits before it starts the
   * instance's workflow, and a move claims right after it starts.
   */
  static final Duration RECONCILE_GRACE = Duration.ofMinutes(1);

  /** Describe calls are quick; a few retries ride out a frontend hiccup, then wait a round. */
  private final WorkflowInspectionActivities inspection =
      Workflow.newActivityStub(
          WorkflowInspectionActivities.class,
          ActivityOptions.newBuilder()
              .setTaskQueue(Names.CONDUCTOR_QUEUE)
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
              .build());

  private final PlacementState state;

  /** When each claim was made (workflow time), for the reconcile grace. Not carried over. */
  private final Map<String, Long> claimedAt = new LinkedHashMap<>();

  @WorkflowInit
  public PlacementWorkflowImpl(PlacementState initial) {
    this.state = initial == null ? new PlacementState() : initial;
  }

  @Override
  public void run(PlacementState initial) {
    long now = Workflow.currentTimeMillis();
    state.claims.keySet().forEach(k -> claimedAt.put(k, now));
    while (true) {
      Entities.awaitShowing(
          Entities.RECONCILE_EVERY, () -> EntityDetails.placement(state), Entities::historyTooLong);
      if (Entities.historyTooLong()) {
        Entities.continueAsNew(state);
        return;
      }
      reconcile();
    }
  }

  /**
   * Releases claims whose move or instance workflow has closed (a terminated move cleans up
   * nothing).
   */
  private void reconcile() {
    long cutoff = Workflow.currentTimeMillis() - RECONCILE_GRACE.toMillis();
    // A consumer id is its owner's workflow id: instance:<id> or move:<id>.
    List<String> owners = new ArrayList<>();
    for (String consumer : state.claims.keySet()) {
      if (claimedAt.getOrDefault(consumer, 0L) <= cutoff) {
        owners.add(consumer);
      }
    }
    if (owners.isEmpty()) {
      return;
    }
    List<String> gone;
    try {
      gone = inspection.closedOrMissing(owners);
    } catch (RuntimeException e) {
      Workflow.getLogger(PlacementWorkflowImpl.class).warn("reconcile skipped: {}", e.toString());
      return;
    }
    for (String consumer : gone) {
      state.claims.remove(consumer);
      claimedAt.remove(consumer);
      if (consumer.startsWith("instance:")) {
        state.instances.remove(consumer.substring("instance:".length()));
      }
    }
  }

  @Override
  public void validateClaim(ClaimRequest request) {
    try {
      if (!state.claims.containsKey(request.consumerId())) {
        PlacementRules.chooseHost(state, request);
      }
    } catch (FerryRejection r) {
      throw Entities.rejectUpdate(r);
    }
  }

  @Override
  public ClaimCheck checkClaim(ClaimRequest request) {
    Claim existing = state.claims.get(request.consumerId());
    if (existing != null) {
      return ClaimCheck.fits(existing.host());
    }
    try {
      return ClaimCheck.fits(PlacementRules.chooseHost(state, request));
    } catch (FerryRejection r) {
      return ClaimCheck.refused(r);
    }
  }

  @Override
  public Claim claim(ClaimRequest request) {
    Claim existing = state.claims.get(request.consumerId());
    if (existing != null) {
      return existing;
    }
    String host = PlacementRules.chooseHost(state, request);
    return put(new Claim(request.consumerId(), host, request.resources()));
  }

  @Override
  public void validateAdmit(Admission admission) {
    try {
      Names.requireValidName("server", admission.name());
      PlacementRules.requireNameFree(state, admission.instanceId(), admission.name());
      String consumer = instanceConsumer(admission.instanceId());
      if (state.claims.containsKey(consumer)) {
        return;
      }
      if (admission.force()) {
        PlacementRules.usageOf(state, admission.host());
      } else {
        PlacementRules.chooseHost(
            state, new ClaimRequest(consumer, admission.resources(), admission.host(), List.of()));
      }
    } catch (FerryRejection r) {
      throw Entities.rejectUpdate(r);
    }
  }

  @Override
  public Claim admit(Admission admission) {
    String consumer = instanceConsumer(admission.instanceId());
    state.instances.put(admission.instanceId(), admission.name());
    Claim existing = state.claims.get(consumer);
    if (existing != null) {
      return existing;
    }
    return put(new Claim(consumer, admission.host(), admission.resources()));
  }

  @Override
  public void release(String consumerId) {
    state.claims.remove(consumerId);
    claimedAt.remove(consumerId);
  }

  @Override
  public void swap(String fromConsumerId, String toConsumerId) {
    Claim from = state.claims.get(fromConsumerId);
    if (from == null) {
      return; // already swapped: a retried activity
    }
    release(fromConsumerId);
    put(new Claim(toConsumerId, from.host(), from.resources()));
  }

  @Override
  public void forgetInstance(String instanceId) {
    release(instanceConsumer(instanceId));
    state.instances.remove(instanceId);
  }

  @Override
  public void validateForgetHost(String host) {
    try {
      PlacementRules.requireForgettable(state, host);
    } catch (FerryRejection r) {
      throw Entities.rejectUpdate(r);
    }
  }

  @Override
  public void forgetHost(String host) {
    state.hosts.remove(host);
  }

  @Override
  public Settings configure(Settings settings) {
    state.settings = settings;
    return settings;
  }

  @Override
  public void hostChanged(HostSummary host) {
    state.hosts.put(host.name(), host);
  }

  @Override
  public PlacementView view() {
    return new PlacementView(
        state.settings,
        PlacementRules.usage(state),
        List.copyOf(state.claims.values()),
        Map.copyOf(state.instances));
  }

  private Claim put(Claim claim) {
    state.claims.put(claim.consumerId(), claim);
    claimedAt.put(claim.consumerId(), Workflow.currentTimeMillis());
    return claim;
  }

  public static String instanceConsumer(String instanceId) {
    return Names.instanceWorkflowId(instanceId);
  }
}
