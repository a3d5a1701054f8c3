package dev.ferry.instance;

import dev.ferry.host.HostWorkflow;
import dev.ferry.model.ClaimCheck;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostRecord;
import dev.ferry.model.Names;
import dev.ferry.model.Settings;
import dev.ferry.placement.PlacementWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;

/**
 * The pre-flight's facts as the entity workflows tell them now, read by queries (nothing changes);
 * not workflow code: an activity on the conductor reads them. The fencing configuration is the
 * conductor's own, so a subclass answers for it.
 */
public abstract class EntityPreflightFacts implements MovePreflightRules.Facts {
  private final WorkflowClient client;

  protected EntityPreflightFacts(WorkflowClient client) {
    this.client = client;
  }

  private PlacementWorkflow placement() {
    return client.newWorkflowStub(PlacementWorkflow.class, Names.PLACEMENT_WORKFLOW_ID);
  }

  @Override
  public HostRecord host(String name) {
    try {
      return client.newWorkflowStub(HostWorkflow.class, Names.hostWorkflowId(name)).get();
    } catch (WorkflowNotFoundException e) {
      throw new FerryRejection(Reason.UNKNOWN_HOST, "unknown host '" + name + "'");
    }
  }

  @Override
  public Settings settings() {
    return placement().view().settings();
  }

  @Override
  public ClaimCheck checkClaim(ClaimRequest request) {
    return placement().checkClaim(request);
  }
}
