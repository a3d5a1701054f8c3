package dev.ferry.live;

import io.temporal.failure.ActivityFailure;
import java.util.function.Supplier;

/** Calls to the conductor's entities (placement, host records): a failure is a step failure. */
final class ConductorCalls {
  private ConductorCalls() {}

  static <T> T get(String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (ActivityFailure f) {
      throw new LiveStepException(what + " failed: " + LiveFailures.message(f));
    }
  }

  static void run(String what, Runnable call) {
    get(
        what,
        () -> {
          call.run();
          return null;
        });
  }
}
