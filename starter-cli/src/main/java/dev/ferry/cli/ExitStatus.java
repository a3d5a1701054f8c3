package dev.ferry.cli;

import dev.ferry.client.FerryFailure;
import dev.ferry.client.NoAnswer;
import dev.ferry.client.Rejections;
import dev.ferry.client.WaitTimedOut;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The exit statuses of {@code ferry}, in one table, so a script can tell why a command did not do
 * what it asked. Every non-zero status comes with one line {@code ferry: error: ...} on stderr, and
 * every refusal (2 to 5) changed nothing.
 */
public final class ExitStatus {
  /** Done. */
  public static final int OK = 0;

  /** Accepted, then failed: a move ended in error, a confirm or revert that did not happen. */
  public static final int FAILED = 1;

  /**
   * The command line does not parse: an unknown option, a missing parameter, an unreadable value.
   */
  public static final int USAGE = 2;

  /** What was named does not exist: server, host, flavor, image, move. */
  public static final int NOT_FOUND = 3;

  /** Refused in the current state: busy, down, disabled, full, same host, nothing pending. */
  public static final int CONFLICT = 4;

  /** A value the request may not have: a malformed name or id, a bad size, a disk that shrinks. */
  public static final int INVALID = 5;

  /** Temporal, Ferry's conductor behind it, or a host could not be reached or did not answer. */
  public static final int UNREACHABLE = 6;

  /** A wait gave up in time; what it waited for goes on. */
  public static final int TIMED_OUT = 7;

  /** The table as {@code ferry --help} prints it: status, then what it means. */
  static Map<String, String> help() {
    Map<String, String> table = new LinkedHashMap<>();
    table.put(OK + "", "done");
    table.put(
        FAILED + "",
        "accepted, then failed (a move ended in error, a confirm or revert did not happen)");
    table.put(
        USAGE + "", "usage error: an unknown option, a missing parameter, an unreadable value");
    table.put(NOT_FOUND + "", "not found: no such server, host, flavor, image or move");
    table.put(
        CONFLICT + "",
        "refused in the current state: busy, down, disabled, full, same host, nothing pending");
    table.put(
        INVALID + "",
        "invalid value: a malformed name or id, a bad size, a flavor that shrinks the disk");
    table.put(UNREACHABLE + "", "Temporal, Ferry's conductor or a host could not be reached");
    table.put(TIMED_OUT + "", "a wait timed out; the move or action goes on");
    return table;
  }

  private ExitStatus() {}

  /** The status a command that threw {@code t} exits with. */
  public static int of(Throwable t) {
    if (t instanceof WaitTimedOut) {
      return TIMED_OUT;
    }
    if (t instanceof NoAnswer) {
      return UNREACHABLE;
    }
    if (t instanceof FerryFailure) {
      return FAILED;
    }
    Optional<FerryRejection> rejection = Rejections.find(t);
    return rejection.map(r -> of(r.reason())).orElse(FAILED);
  }

  /** The status of a refusal for {@code reason}. Exhaustive: a new reason must be placed here. */
  public static int of(Reason reason) {
    return switch (reason) {
      case INVALID_ARGUMENT -> INVALID;
      case UNKNOWN_FLAVOR, UNKNOWN_HOST, UNKNOWN_INSTANCE, UNKNOWN_IMAGE -> NOT_FOUND;
      case DUPLICATE_NAME,
          HOST_UNAVAILABLE,
          HOST_IN_USE,
          SAME_HOST,
          NO_VALID_HOST,
          INSUFFICIENT_CAPACITY,
          INSTANCE_BUSY,
          INVALID_STATE,
          NOTHING_PENDING,
          HYPERVISOR_INCOMPATIBLE,
          NOT_CONFIGURED,
          STALE_REPORT,
          NO_CHANGE ->
          CONFLICT;
      case UNREACHABLE -> UNREACHABLE;
    };
  }
}
