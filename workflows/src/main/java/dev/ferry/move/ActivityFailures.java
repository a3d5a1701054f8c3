package dev.ferry.move;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;

/** Reading activity failures: what to tell the operator, and whether the call ever started. */
public final class ActivityFailures {
  private ActivityFailures() {}

  /** The most specific message in the cause chain: the agent's own words when there are some. */
  public static String message(Throwable failure) {
    String message = failure.getMessage();
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof ApplicationFailure af) {
        message = af.getOriginalMessage();
      } else if (c instanceof TimeoutFailure tf) {
        message = "timed out (" + timeoutName(tf.getTimeoutType()) + ")";
      }
    }
    return message;
  }

  /**
   * The refusal {@code failure} carries; any other failure is the call's target not answering:
   * UNREACHABLE, "{@code what}: " and the failure's own words.
   */
  public static FerryRejection rejectionOrUnreachable(ActivityFailure failure, String what) {
    return FerryRejection.from(failure)
        .orElseGet(() -> new FerryRejection(Reason.UNREACHABLE, what + ": " + message(failure)));
  }

  /** True when no worker took the task in time: the call never ran on the host. */
  public static boolean neverStarted(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof TimeoutFailure tf
          && tf.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) {
        return true;
      }
    }
    return false;
  }

  /** True when the call (or its last attempt) ran out of time: its host may be gone. */
  public static boolean timedOut(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof TimeoutFailure) {
        return true;
      }
    }
    return false;
  }

  private static String timeoutName(TimeoutType type) {
    return type.name().replace("TIMEOUT_TYPE_", "").toLowerCase().replace('_', '-');
  }
}
