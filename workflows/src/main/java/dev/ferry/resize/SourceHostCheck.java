package dev.ferry.resize;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostRecord;
import dev.ferry.move.ConductorCalls;
import dev.ferry.move.MoveStepException;
import io.temporal.workflow.Workflow;

/**
 * The source host's record, read when a decision is carried out: a confirm does not wait on a
 * source that is down (its clean-up is owed on the source's cleanup list instead), and a revert,
 * which needs the source, is refused while it is down, the move still awaiting a decision.
 */
final class SourceHostCheck {

  /** The change that reads the source's record before a confirm's clean-up and a revert. */
  static final String CHANGE = "resize-source-record-at-decision";

  private final ResizeRun run;

  SourceHostCheck(ResizeRun run) {
    this.run = run;
  }

  /** False when replaying a history from before: the source was called whatever its record. */
  boolean applies() {
    return Workflow.getVersion(CHANGE, Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION;
  }

  /** The record says the source takes no calls. An unreadable record says nothing: calls decide. */
  boolean knownDown() {
    try {
      return !read().isAlive();
    } catch (MoveStepException e) {
      return false;
    }
  }

  /**
   * Called by the revert Update's handler before anything changes: a refusal fails the Update only,
   * and the move keeps awaiting a decision (its auto-confirm window still runs).
   */
  void refuseRevertWhileDown() {
    if (!applies()) {
      return;
    }
    String why;
    try {
      HostRecord host = read();
      if (host.isAlive()) {
        return;
      }
      why = "which is " + (host.forcedDown ? "forced down" : "DOWN");
    } catch (MoveStepException e) {
      why = "whose record could not be read (" + e.getMessage() + ")";
    }
    String bringBack =
        "bring " + run.source + " back ('ferry host set-up " + run.source + "' if forced down)";
    throw new FerryRejection(
            Reason.HOST_UNAVAILABLE,
            "revert of "
                + run.what()
                + " needs its source host "
                + run.source
                + ", "
                + why
                + ": "
                + (run.sameHost
                    ? bringBack + " and decide then"
                    : "confirm to keep "
                        + run.record.name
                        + " on "
                        + run.dest
                        + " (the old copy then goes on "
                        + run.source
                        + "'s cleanup list), or "
                        + bringBack
                        + " and revert again")
                + "; nothing was changed")
        .toFailure();
  }

  private HostRecord read() {
    return ConductorCalls.get(
        "read host " + run.source + "'s record", c -> c.hostRecords().get(run.source));
  }
}
