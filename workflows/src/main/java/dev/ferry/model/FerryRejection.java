package dev.ferry.model;

import io.temporal.failure.ApplicationFailure;
import java.util.Optional;

/**
 * A typed refusal of a request: nothing was changed. Thrown by update validators and client-side
 * checks; its message says what to do. Crosses Temporal as an ApplicationFailure whose type is
 * {@link #TYPE_PREFIX} + the reason.
 */
public final class FerryRejection extends RuntimeException {

  public static final String TYPE_PREFIX = "FerryRejection.";

  /** Why a request was refused. */
  public enum Reason {
    INVALID_ARGUMENT,
    UNKNOWN_FLAVOR,
    UNKNOWN_HOST,
    UNKNOWN_INSTANCE,
    UNKNOWN_IMAGE,
    DUPLICATE_NAME,
    HOST_UNAVAILABLE,
    HOST_IN_USE,
    SAME_HOST,
    NO_VALID_HOST,
    INSUFFICIENT_CAPACITY,
    INSTANCE_BUSY,
    INVALID_STATE,
    NOTHING_PENDING,
    HYPERVISOR_INCOMPATIBLE,
    /** What was asked needs configuration the cluster lacks (e.g. a fencing method for a host). */
    NOT_CONFIGURED,
    UNREACHABLE,
    /** A report about a guest that is not the record's copy (another host, an older epoch). */
    STALE_REPORT,
    /** A report that says what the record already says. */
    NO_CHANGE
  }

  private final Reason reason;

  public FerryRejection(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** The failure to throw from a workflow (validator or handler) so the reason survives. */
  public ApplicationFailure toFailure() {
    return ApplicationFailure.newNonRetryableFailure(getMessage(), TYPE_PREFIX + reason.name());
  }

  /**
   * The failure types of every reason: an activity's retry policy never retries them (a refusal
   * stays a refusal).
   */
  public static String[] failureTypes() {
    Reason[] reasons = Reason.values();
    String[] types = new String[reasons.length];
    for (int i = 0; i < reasons.length; i++) {
      types[i] = TYPE_PREFIX + reasons[i].name();
    }
    return types;
  }

  /** Finds a rejection anywhere in a failure's cause chain (client or activity side). */
  public static Optional<FerryRejection> from(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof FerryRejection r) {
        return Optional.of(r);
      }
      if (c instanceof ApplicationFailure af
          && af.getType() != null
          && af.getType().startsWith(TYPE_PREFIX)) {
        Reason reason = Reason.valueOf(af.getType().substring(TYPE_PREFIX.length()));
        return Optional.of(new FerryRejection(reason, af.getOriginalMessage()));
      }
    }
    return Optional.empty();
  }
}
