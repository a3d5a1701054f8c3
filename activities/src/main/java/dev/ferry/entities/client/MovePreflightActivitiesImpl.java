package dev.ferry.entities.client;

import dev.ferry.entities.MovePreflightActivities;
import dev.ferry.evacuate.FenceMethods;
import dev.ferry.evacuate.FenceRequest;
import dev.ferry.fencing.FencingActivitiesImpl;
import dev.ferry.host.HostWorkflow;
import dev.ferry.instance.MovePreflightRules;
import dev.ferry.model.ClaimCheck;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostRecord;
import dev.ferry.model.MovePreflight;
import dev.ferry.model.Names;
import dev.ferry.model.Settings;
import dev.ferry.placement.PlacementWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.failure.ApplicationFailure;

/**
 * The pre-flight of a move, on the conductor: reads the host records and asks placement (queries:
 * nothing changes) and the fencing configuration, and lets {@link MovePreflightRules} decide.
 */
public class MovePreflightActivitiesImpl implements MovePreflightActivities {
  private final WorkflowClient client;
  private final FencingActivitiesImpl fencing;

  public MovePreflightActivitiesImpl(WorkflowClient client, FencingActivitiesImpl fencing) {
    this.client = client;
    this.fencing = fencing;
  }

  @Override
  public String check(MovePreflight preflight) {
    return EntityCalls.call(() -> MovePreflightRules.check(preflight, new ConductorFacts()));
  }

  /** The facts as the entities and the conductor's configuration tell them now. */
  private final class ConductorFacts implements MovePreflightRules.Facts {
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

    @Override
    public void requireFencing(HostRecord host, MovePreflight p) {
      String actor =
          p.requestedBy() == null || p.requestedBy().isBlank() ? "unknown" : p.requestedBy();
      try {
        fencing.requireConfigured(
            new FenceRequest(host.name, p.instanceId(), p.fenceMethod(), actor, host.libvirtUri));
      } catch (ApplicationFailure f) {
        Reason reason =
            FenceMethods.UNKNOWN_METHOD.equals(f.getType())
                ? Reason.INVALID_ARGUMENT
                : Reason.NOT_CONFIGURED;
        throw new FerryRejection(reason, f.getOriginalMessage());
      }
    }
  }
}
