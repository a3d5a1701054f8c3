package dev.ferry.cli;

import dev.ferry.client.FerryFailure;
import dev.ferry.client.Rejections;
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

  /** Accepted, but it failed or is not done in time (a move ended in error, a wait timed out). */
  public static final int FAILED = 1;

  /** A usage error or an invalid value: fix the command line. */
  public static final int USAGE = 2;

  /** What was named does not exist: server, host, flavor, image, move. */
  public static final int NOT_FOUND = 3;

  /** Refused in the current state: busy, down, disabled, full, name taken, nothing pending. */
  public static final int CONFLICT = 4;

  /** Temporal, or Ferry's conductor behind it, could not be reached. */
  public static final int UNREACHABLE = 5;

  /** The table as {@code ferry --help} prints it: status, then what it means. */
  static Map<String, String> help() {
    Map<String, String> table = new LinkedHashMap<>();
    table.put(OK + "", "done");
    table.put(
        FAILED + "",
        "accepted but failed, or not done in time (a move ended in error, a wait timed out)");
    table.put(USAGE + "", "usage error or invalid value (a malformed name, id or duration)");
    table.put(NOT_FOUND + "", "not found: no such server, host, flavor, image or move");
    table.put(
        CONFLICT + "",
        "refused in the current state: busy, down, disabled, full, name taken, nothing pending");
    table.put(UNREACHABLE + "", "Temporal, or Ferry's conductor, could not be reached");
    return table;
  }

  private ExitStatus() {}

  /** The status a command that threw {@code t} exits with. */
  public static int of(Throwable t) {
    if (t instanceof FerryFailure) {
      return FAILED;
    }
    Optional<FerryRejection> rejection = Rejections.find(t);
    return rejection.map(r -> of(r.reason())).orElse(FAILED);
  }

  /** The status of a refusal for {@code reason}. Exhaustive: a new reason must be placed here. */
  public static int of(Reason reason) {
    return switch (reason) {
      case INVALID_ARGUMENT -> USAGE;
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
          STALE_REPORT,
          NO_CHANGE ->
          CONFLICT;
      case UNREACHABLE -> UNREACHABLE;
    };
  }
}
