package dev.ferry.client;

import dev.ferry.evacuate.HostMovesView;
import java.util.Locale;
import java.util.Optional;

/**
 * A host evacuation's or drain's status ({@link HostMovesView#status()}): what its run reports, or,
 * for a run whose workflow closed while it waited, how the workflow closed. Each travels as its
 * {@link #wireName()}.
 */
public enum HostRunStatus {
  RUNNING,
  /** Every move succeeded or was skipped. */
  DONE,
  /** Some moves failed. */
  PARTIAL,
  TIMED_OUT,
  CANCELLED,
  TERMINATED,
  FAILED;

  /** The spelling in views and output, e.g. {@code timed-out}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The view's status; empty when it reports one this client does not know. */
  public static Optional<HostRunStatus> of(HostMovesView view) {
    return MoveEnd.parse(HostRunStatus.class, view.status());
  }

  /** The run is no longer running (a status this client does not know counts as ended). */
  public static boolean ended(HostMovesView view) {
    return of(view).map(s -> s != RUNNING).orElse(true);
  }
}
