package dev.ferry.client;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateTimeoutOrCancelledException;
import io.temporal.failure.ApplicationFailure;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Failure mapping: turns what a Temporal call threw into a {@link FerryRejection} (nothing changed)
 * or a {@link FerryFailure} with a message that says what to do.
 */
final class Failures {
  private Failures() {}

  /**
   * The rejection or failure that {@code t}, thrown by the call {@code what} to Temporal at {@code
   * target}, means.
   *
   * @param notFound what a missing workflow means here; null: a plain failure
   */
  static RuntimeException translate(
      String what, Throwable t, Supplier<FerryRejection> notFound, String target) {
    Optional<FerryRejection> rejection = Rejections.find(t);
    if (rejection.isPresent()) {
      return rejection.get();
    }
    if (t instanceof FerryFailure f) {
      return f;
    }
    if (notFound != null && isNotFound(t)) {
      return notFound.get();
    }
    StatusRuntimeException status = find(t, StatusRuntimeException.class);
    if (status != null && status.getStatus().getCode() == Status.Code.UNAVAILABLE) {
      return unreachable(target, describe(status));
    }
    if (status != null && noWorker(status)) {
      return new FerryRejection(
          Reason.UNREACHABLE,
          what
              + ": no worker answers on Temporal at "
              + target
              + " ("
              + describe(status)
              + "); is the Ferry conductor running?");
    }
    if ((status != null && status.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED)
        || find(t, WorkflowUpdateTimeoutOrCancelledException.class) != null) {
      return noAnswer(what, target, t);
    }
    return new FerryFailure(what + " failed: " + rootMessage(t), t);
  }

  /** Temporal, or the worker behind it, did not answer {@code what} in time. */
  static NoAnswer noAnswer(String what, String target, Throwable cause) {
    return new NoAnswer(
        what
            + ": Temporal at "
            + target
            + " did not answer in time; is the Ferry conductor running? (a request it already"
            + " accepted goes on)",
        cause);
  }

  /**
   * Temporal refused the call because no worker polls the workflow's task queue ({@code
   * FAILED_PRECONDITION: no poller seen for task queue recently, worker may be down}): the call was
   * not delivered, as when Temporal itself cannot be reached.
   */
  private static boolean noWorker(StatusRuntimeException s) {
    String description = s.getStatus().getDescription();
    return s.getStatus().getCode() == Status.Code.FAILED_PRECONDITION
        && description != null
        && description.toLowerCase(Locale.ROOT).contains("no poller");
  }

  static FerryRejection unreachable(String target, String cause) {
    return new FerryRejection(
        Reason.UNREACHABLE,
        "cannot reach Temporal at "
            + target
            + ": "
            + cause
            + "; start the engine (see README) or pass --target");
  }

  /** The most specific message in a failure chain. */
  static String rootMessage(Throwable t) {
    String message = null;
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c instanceof ApplicationFailure af ? af.getOriginalMessage() : c.getMessage();
      if (c instanceof StatusRuntimeException s) {
        m = describe(s);
      }
      if (m != null && !m.isBlank()) {
        message = m;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return message != null ? message : t.getClass().getSimpleName();
  }

  /** A rejection's or failure's own message, else the most specific one in the chain. */
  static String messageOf(Throwable t) {
    return t instanceof FerryRejection || t instanceof FerryFailure
        ? t.getMessage()
        : rootMessage(t);
  }

  static String describe(StatusRuntimeException e) {
    StringBuilder b = new StringBuilder(e.getStatus().getCode().name());
    if (e.getStatus().getDescription() != null) {
      b.append(": ").append(e.getStatus().getDescription());
    }
    Throwable cause = e.getCause();
    if (cause != null && cause.getMessage() != null) {
      b.append(" (").append(cause.getMessage()).append(')');
    }
    return b.toString();
  }

  private static boolean isNotFound(Throwable t) {
    if (find(t, WorkflowNotFoundException.class) != null) {
      return true;
    }
    StatusRuntimeException s = find(t, StatusRuntimeException.class);
    return s != null && s.getStatus().getCode() == Status.Code.NOT_FOUND;
  }

  private static <X extends Throwable> X find(Throwable t, Class<X> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }
}
