package dev.ferry.live;

import dev.ferry.entities.ConductorStubs;
import dev.ferry.entities.ConductorStubs.EntityCalls;
import io.temporal.failure.ActivityFailure;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Calls to the conductor's entities (placement, host records): a failure is a step failure; {@code
 * what} is the call's summary in the Web UI.
 */
final class ConductorCalls {
  private ConductorCalls() {}

  static <T> T get(String what, Function<EntityCalls, T> call) {
    try {
      return call.apply(ConductorStubs.summarized(what));
    } catch (ActivityFailure f) {
      throw new LiveStepException(what + " failed: " + LiveFailures.message(f));
    }
  }

  static void run(String what, Consumer<EntityCalls> call) {
    get(
        what,
        c -> {
          call.accept(c);
          return null;
        });
  }
}
