package dev.ferry.client;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Names;

/**
 * Workflow histories as Temporal's JSON ({@code ferry history export}), for replay tests and bug
 * reports. Obtained from {@link FerryClient#history()}.
 */
public final class HistoryClient {
  private final ClientContext ctx;

  HistoryClient(ClientContext ctx) {
    this.ctx = ctx;
  }

  /** A workflow's whole history (its latest run). */
  public String export(String workflowId) {
    return export(workflowId, null);
  }

  /**
   * One run's whole history: {@code runId} names it (e.g. the run an entity continued as new from);
   * null or blank: the latest run.
   */
  public String export(String workflowId, String runId) {
    if (workflowId == null || workflowId.isBlank()) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "a workflow id is required");
    }
    if (runId == null || runId.isBlank()) {
      return ctx.call(
          "export history of " + workflowId,
          () -> ctx.client.fetchHistory(workflowId).toJson(true),
          () -> noWorkflow(workflowId));
    }
    String run = runId.strip();
    if (!Names.isUuid(run)) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT, "'" + run + "' is not a run id (a run id is a UUID)");
    }
    return ctx.call(
        "export history of " + workflowId + " run " + run,
        () -> ctx.client.fetchHistory(workflowId, run).toJson(true),
        () -> workflowExists(workflowId) ? noRun(workflowId, run) : noWorkflow(workflowId));
  }

  private boolean workflowExists(String workflowId) {
    try {
      export(workflowId, null);
      return true;
    } catch (FerryRejection r) {
      return false;
    }
  }

  /** Not found, as an unknown server or move is (Ferry has no reason of its own for workflows). */
  private FerryRejection noRun(String workflowId, String run) {
    return new FerryRejection(
        Reason.UNKNOWN_INSTANCE,
        "workflow '"
            + workflowId
            + "' has no run '"
            + run
            + "' on Temporal at "
            + ctx.target
            + " (its latest run's first event names the run it continued from)");
  }

  private FerryRejection noWorkflow(String workflowId) {
    return new FerryRejection(
        Reason.UNKNOWN_INSTANCE,
        "no workflow '"
            + workflowId
            + "' on Temporal at "
            + ctx.target
            + " (ids look like host:<name>, instance:<uuid>, move:<uuid>)");
  }
}
