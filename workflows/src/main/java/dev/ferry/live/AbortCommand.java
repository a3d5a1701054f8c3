package dev.ferry.live;

import dev.ferry.entities.Entities;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import io.temporal.workflow.Workflow;

/**
 * The {@code abort} update (and a cancel of the whole workflow): refused once the move has ended,
 * in post-copy and after switch-over; otherwise it records who asked and waits for the end. The
 * flow acts on it at its next step: the job is cancelled, then everything is put back.
 */
final class AbortCommand {

  private final LiveRun run;

  AbortCommand(LiveRun run) {
    this.run = run;
  }

  void validate() {
    FerryRejection r = refusal();
    if (r != null) {
      throw Entities.rejectUpdate(r);
    }
  }

  /** Answers when the move has ended. */
  void handle(String actor) {
    FerryRejection r = refusal();
    if (r != null) {
      throw r.toFailure(); // the state moved on between validation and handling
    }
    request(actor);
    Workflow.await(run::isFinal);
  }

  /** Records the first abort; ignored in post-copy and once the move has ended. */
  void request(String actor) {
    if (run.abortRequestedBy == null && !run.postCopy && !run.isFinal()) {
      run.abortRequestedBy = LiveRun.actorOrUnknown(actor);
    }
  }

  private FerryRejection refusal() {
    LiveMigrationStatus s = run.status();
    if (run.isFinal()) {
      return new FerryRejection(
          Reason.NOTHING_PENDING, run.moveConsumer() + " has already ended (" + s.novaName() + ")");
    }
    if (s == LiveMigrationStatus.RUNNING_POST_COPY || run.postCopy) {
      return new FerryRejection(
          Reason.INVALID_STATE,
          run.moveConsumer()
              + " is in post-copy: the guest already runs on "
              + run.dest
              + " and the migration can no longer be aborted");
    }
    if (s == LiveMigrationStatus.POST_MIGRATING) {
      return new FerryRejection(
          Reason.INVALID_STATE,
          run.moveConsumer() + " has already switched over to " + run.dest + ": too late to abort");
    }
    return null;
  }
}
