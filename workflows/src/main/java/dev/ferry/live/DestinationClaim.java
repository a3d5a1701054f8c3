package dev.ferry.live;

import dev.ferry.model.Claim;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.move.ActivityFailures;
import dev.ferry.move.ConductorCalls;
import dev.ferry.move.MoveStepException;
import io.temporal.failure.ActivityFailure;
import java.util.List;

/**
 * The placement claim {@code move:<id>} on the destination: taken per candidate, released when the
 * candidate is refused or the move puts everything back, handed to the instance when the guest
 * moved.
 */
final class DestinationClaim {

  private final LiveRun run;
  private boolean held;

  DestinationClaim(LiveRun run) {
    this.run = run;
  }

  /** Claims a host (the named one, or placement's pick outside {@code excluded}). */
  String claim(List<String> excluded) {
    ClaimRequest claimRequest =
        new ClaimRequest(
                run.moveConsumer(),
                run.record.flavor.resources(),
                run.request.destHost(),
                List.copyOf(excluded))
            .like(run.source);
    held = true; // compensation first: releasing a claim that was never made is a no-op
    try {
      Claim claim =
          ConductorCalls.summarized("claim a host for " + run.moveConsumer())
              .placement()
              .claim(claimRequest);
      return claim.host();
    } catch (ActivityFailure f) {
      held = false;
      FerryRejection r = FerryRejection.from(f).orElse(null);
      if (r == null) {
        throw new MoveStepException(
            "claim for " + run.moveConsumer() + " failed: " + ActivityFailures.message(f));
      }
      if (run.request.destHost() != null || run.candidatesRefused.isEmpty()) {
        throw r;
      }
      throw new FerryRejection(
          Reason.NO_VALID_HOST,
          r.getMessage() + "; candidates refused: " + String.join("; ", run.candidatesRefused));
    }
  }

  /** Releases the claim, or swaps it to the instance once the guest runs at the destination. */
  boolean settleQuietly() {
    if (!held) {
      return true;
    }
    try {
      if (run.atDest) {
        ConductorCalls.run(
            "swap the claim", c -> c.placement().swap(run.moveConsumer(), run.instanceConsumer()));
      } else {
        ConductorCalls.run("release the claim", c -> c.placement().release(run.moveConsumer()));
      }
      held = false;
      return true;
    } catch (MoveStepException e) {
      run.noteError(e.getMessage()); // placement's reconcile releases claims of closed moves
      return false;
    }
  }

  void release() {
    if (held) {
      ConductorCalls.run("release the claim", c -> c.placement().release(run.moveConsumer()));
      held = false;
    }
  }
}
