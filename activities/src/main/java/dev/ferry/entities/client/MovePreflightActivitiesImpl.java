package dev.ferry.entities.client;

import dev.ferry.entities.MovePreflightActivities;
import dev.ferry.evacuate.FenceMethods;
import dev.ferry.evacuate.FenceRequest;
import dev.ferry.fencing.FencingActivitiesImpl;
import dev.ferry.instance.EntityPreflightFacts;
import dev.ferry.instance.MovePreflightRules;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostRecord;
import dev.ferry.model.MovePreflight;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;

/**
 * The pre-flight of a move, on the conductor: the entities' facts ({@link EntityPreflightFacts})
 * and the fencing configuration, decided by {@link MovePreflightRules}.
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

  /** The facts as the entities and the conductor's fencing configuration tell them now. */
  private final class ConductorFacts extends EntityPreflightFacts {
    ConductorFacts() {
      super(client);
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
