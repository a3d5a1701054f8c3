package dev.ferry.entities.client;

import dev.ferry.model.FerryRejection;
import java.util.function.Supplier;

/** Turns an entity's refusal into a non-retryable activity failure that keeps its reason. */
final class EntityCalls {
  private EntityCalls() {}

  static <T> T call(Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      FerryRejection rejection = FerryRejection.from(e).orElse(null);
      if (rejection != null) {
        throw rejection.toFailure();
      }
      throw e; // transport trouble or an update dropped at continue-as-new: retried
    }
  }

  static void run(Runnable call) {
    call(
        () -> {
          call.run();
          return null;
        });
  }
}
