package dev.ferry.entities.client;

import dev.ferry.entities.PlacementActivities;
import dev.ferry.model.Claim;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.Names;
import dev.ferry.model.Settings;
import dev.ferry.placement.Admission;
import dev.ferry.placement.PlacementWorkflow;
import io.temporal.client.WorkflowClient;
import java.util.List;

/** Sends workflows' placement calls as Updates to {@code ferry-placement}. */
public class PlacementActivitiesImpl implements PlacementActivities {
  private final WorkflowClient client;

  public PlacementActivitiesImpl(WorkflowClient client) {
    this.client = client;
  }

  private PlacementWorkflow placement() {
    return client.newWorkflowStub(PlacementWorkflow.class, Names.PLACEMENT_WORKFLOW_ID);
  }

  @Override
  public Claim claim(ClaimRequest request) {
    return EntityCalls.call(() -> placement().claim(request));
  }

  @Override
  public Claim admit(Admission admission) {
    return EntityCalls.call(() -> placement().admit(admission));
  }

  @Override
  public void release(String consumerId) {
    EntityCalls.run(() -> placement().release(consumerId));
  }

  @Override
  public void swap(String fromConsumerId, String toConsumerId) {
    EntityCalls.run(() -> placement().swap(fromConsumerId, toConsumerId));
  }

  @Override
  public void forgetInstance(String instanceId) {
    EntityCalls.run(() -> placement().forgetInstance(instanceId));
  }

  @Override
  public void forgetHost(String host) {
    EntityCalls.run(() -> placement().forgetHost(host));
  }

  @Override
  public List<String> hostNames() {
    return EntityCalls.call(
        () -> placement().view().hosts().stream().map(h -> h.host().name()).toList());
  }

  @Override
  public Settings settings() {
    return EntityCalls.call(() -> placement().view().settings());
  }
}
