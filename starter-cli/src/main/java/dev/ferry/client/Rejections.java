package dev.ferry.client;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import io.temporal.failure.ApplicationFailure;
import java.util.Optional;

/**
 * Finds the {@link FerryRejection} in a failure's cause chain, as {@link FerryRejection#from} does,
 * and also a refusal whose reason Temporal SDK 1.38.0 lost.
 *
 * <p>In SDK 1.38.0 an {@code ApplicationFailure} thrown by an update <em>validator</em> reaches the
 * client with its type replaced by {@value #VALIDATOR_FAILURE_TYPE}; only its message survives
 * (sdk-java#2875, fixed after 1.38.0). Ferry's validators therefore throw the FerryRejection itself
 * with its typed failure as cause ({@code Entities.rejectUpdate}), which arrives intact. A
 * validator that still throws {@code toFailure()} directly is a refusal all the same (nothing
 * changed): it becomes a rejection with reason {@link Reason#INVALID_ARGUMENT} and its message.
 */
public final class Rejections {
  /** The type SDK 1.38.0 gives every ApplicationFailure thrown by an update validator. */
  public static final String VALIDATOR_FAILURE_TYPE =
      "io.temporal.internal.worker.WorkflowExecutionException";

  private Rejections() {}

  public static Optional<FerryRejection> find(Throwable t) {
    // A typed reason anywhere in the chain wins ...
    for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof FerryRejection r) {
        return Optional.of(r);
      }
      if (c instanceof ApplicationFailure af
          && af.getType() != null
          && af.getType().startsWith(FerryRejection.TYPE_PREFIX)) {
        Reason reason = reason(af.getType().substring(FerryRejection.TYPE_PREFIX.length()));
        return Optional.of(new FerryRejection(reason, af.getOriginalMessage()));
      }
    }
    // ... else a validator's refusal whose type was lost is still a refusal.
    for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof ApplicationFailure af
          && (VALIDATOR_FAILURE_TYPE.equals(af.getType())
              || FerryRejection.class.getName().equals(af.getType()))) {
        return Optional.of(new FerryRejection(Reason.INVALID_ARGUMENT, af.getOriginalMessage()));
      }
    }
    return Optional.empty();
  }

  private static Reason reason(String name) {
    try {
      return Reason.valueOf(name);
    } catch (IllegalArgumentException e) {
      return Reason.INVALID_ARGUMENT; // a reason this client does not know yet
    }
  }
}
