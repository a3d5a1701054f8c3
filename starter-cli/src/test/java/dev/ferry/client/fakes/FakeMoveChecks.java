package dev.ferry.client.fakes;

import dev.ferry.evacuate.FenceMethods;
import dev.ferry.host.HostWorkflow;
import dev.ferry.instance.MovePreflightRules;
import dev.ferry.model.ClaimCheck;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostRecord;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MovePreflight;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.Names;
import dev.ferry.model.Settings;
import dev.ferry.placement.PlacementWorkflow;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;

/**
 * TEST ONLY: the refusals the server's {@code startMove} handler makes through its pre-flight
 * before any move starts: the server's own rules ({@link MovePreflightRules}) over the fake hosts
 * and the fake placement. Fencing is configured for every method the server knows.
 */
@ActivityInterface
public interface FakeMoveChecks {

  /** Throws the typed refusal (as an ApplicationFailure) when the move cannot start. */
  @ActivityMethod
  void check(InstanceRecord record, MoveRequest request);

  /** Answers from the fake hosts and placement through {@code client}. */
  final class Impl implements FakeMoveChecks, MovePreflightRules.Facts {
    private final WorkflowClient client;

    public Impl(WorkflowClient client) {
      this.client = client;
    }

    @Override
    public void check(InstanceRecord record, MoveRequest request) {
      try {
        MovePreflightRules.check(MovePreflight.of(request, record), this);
      } catch (FerryRejection r) {
        throw r.toFailure();
      }
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

    @Override
    public void requireFencing(HostRecord host, MovePreflight preflight) {
      String method = preflight.fenceMethod();
      if (method != null && !FenceMethods.ALL.contains(method)) {
        throw new FerryRejection(
            Reason.INVALID_ARGUMENT, "unknown fencing method '" + method + "'");
      }
    }
  }
}
