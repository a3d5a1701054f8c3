package dev.ferry.client.fakes;

import dev.ferry.evacuate.FenceMethods;
import dev.ferry.instance.EntityPreflightFacts;
import dev.ferry.instance.MovePreflightRules;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostRecord;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MovePreflight;
import dev.ferry.model.MoveRequest;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.client.WorkflowClient;

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
  final class Impl implements FakeMoveChecks {
    private final EntityPreflightFacts facts;

    public Impl(WorkflowClient client) {
      this.facts =
          new EntityPreflightFacts(client) {
            @Override
            public void requireFencing(HostRecord host, MovePreflight preflight) {
              String method = preflight.fenceMethod();
              if (method != null && !FenceMethods.ALL.contains(method)) {
                throw new FerryRejection(
                    Reason.INVALID_ARGUMENT, "unknown fencing method '" + method + "'");
              }
            }
          };
    }

    @Override
    public void check(InstanceRecord record, MoveRequest request) {
      try {
        MovePreflightRules.check(MovePreflight.of(request, record), facts);
      } catch (FerryRejection r) {
        throw r.toFailure();
      }
    }
  }
}
