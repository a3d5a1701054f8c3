package dev.ferry.client;

import static dev.ferry.client.ClientContext.seconds;
import static dev.ferry.client.ClientContext.unknownInstance;
import static dev.ferry.client.Inputs.busyWith;
import static dev.ferry.client.Inputs.label;
import static dev.ferry.client.Inputs.requirePositive;
import static dev.ferry.client.Inputs.stripMovePrefix;

import dev.ferry.live.JobProgress;
import dev.ferry.live.LiveMigrationView;
import dev.ferry.live.LiveMigrationWorkflow;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.LiveMigrationOptions;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import java.time.Duration;
import java.util.Optional;

/**
 * Live migration ({@code ferry live-migrate}, {@code live-migration ...}): start, wait for the
 * pre-checks, its view and job progress, abort and force-complete. Obtained from {@link
 * FerryClient#live()}.
 */
public final class LiveMigrationClient {
  private final ClientContext ctx;
  private final ServersClient servers;

  LiveMigrationClient(ClientContext ctx, ServersClient servers) {
    this.ctx = ctx;
    this.servers = servers;
  }

  /**
   * Live-migrates a server (Nova's os-migrateLive) and returns the move id at once. The server's
   * record refuses what it cannot start (busy, state, destination); the move's own pre-checks
   * follow ({@link #awaitChecks}).
   *
   * @param destHost null lets placement propose (the next candidate is tried when one fails)
   * @param options null fields take the cluster's defaults
   */
  public String migrate(String server, String destHost, LiveMigrationOptions options) {
    LiveMigrationOptions o = options == null ? LiveMigrationOptions.NONE : options;
    if (destHost != null) {
      Names.requireValidName("host", destHost);
    }
    InstanceRecord record = servers.get(server);
    String moveId = ctx.newId();
    MoveRequest request =
        new MoveRequest(
            moveId, MoveType.LIVE_MIGRATION, record.id, destHost, null, null, ctx.user, null, o);
    ctx.call(
        "start live migration of server " + label(record),
        () -> ctx.instanceStub(record.id).startMove(request),
        () -> unknownInstance(server));
    return moveId;
  }

  /**
   * Waits until the live migration's pre-checks have passed (queued for or holding the source's
   * slot) or the move ended. A pre-check refusal is thrown as the typed rejection it was.
   */
  public LiveMigrationView awaitChecks(String moveId, Duration timeout) {
    String id = stripMovePrefix(moveId);
    Duration wait = requirePositive(timeout, "timeout");
    return Polling.every(ClientContext.POLL)
        .until(
            Polling.watch(
                () -> view(id),
                LiveMigrationClient::checkedOrEnded,
                (last, t) ->
                    new WaitTimedOut(
                        "live migration "
                            + id
                            + " is still checking after "
                            + seconds(t)
                            + "; it goes on: follow it with 'ferry migration show "
                            + id
                            + "'")),
            wait);
  }

  /** The pre-checks passed or the move ended; a pre-check's refusal is thrown as it was. */
  private static boolean checkedOrEnded(LiveMigrationView view) {
    if (view.rejection() != null) {
      throw new FerryRejection(Reason.valueOf(view.rejection()), view.error());
    }
    return view.checksPassed() || view.finished();
  }

  /** A live migration's own view (options, storage, abort/force); null when there is none. */
  public LiveMigrationView view(String moveId) {
    String workflowId = Names.moveWorkflowId(stripMovePrefix(moveId));
    try {
      return ctx.call(
          "query live migration " + moveId,
          () ->
              ctx.client.newUntypedWorkflowStub(workflowId).query("live", LiveMigrationView.class),
          () -> new FerryRejection(Reason.UNKNOWN_INSTANCE, "no move " + moveId));
    } catch (FerryRejection r) {
      if (r.reason() == Reason.UNKNOWN_INSTANCE) {
        return null;
      }
      throw r;
    }
  }

  /**
   * The running job's progress (bytes remaining, rate, iteration, ETA): the job activity's last
   * heartbeat, read with DescribeWorkflowExecution (a query cannot see it). Empty when no job runs.
   */
  public Optional<JobProgress> progress(String moveId) {
    PendingSteps steps = new PendingSteps(ctx);
    return steps.of(moveId).stream()
        .filter(a -> LiveMigrationWorkflow.JOB_ACTIVITY_TYPE.equals(a.getActivityType().getName()))
        .findFirst()
        .flatMap(job -> steps.details(job, JobProgress.class));
  }

  /**
   * Aborts the server's running live migration and answers once it has ended: {@code cancelled}, or
   * {@code completed} when the abort lost the race at switch-over. Refused in post-copy.
   */
  public LiveMigrationView abort(String server) {
    String moveId = currentLiveMigration(server);
    return ctx.call(
        "abort live migration " + moveId,
        () -> stub(moveId).abort(ctx.user),
        () -> new FerryRejection(Reason.NOTHING_PENDING, "live migration " + moveId + " ended"));
  }

  /** Makes the server's running live migration complete: pause, or post-copy when permitted. */
  public LiveMigrationView forceComplete(String server) {
    String moveId = currentLiveMigration(server);
    return ctx.call(
        "force-complete live migration " + moveId,
        () -> stub(moveId).forceComplete(ctx.user),
        () -> new FerryRejection(Reason.NOTHING_PENDING, "live migration " + moveId + " ended"));
  }

  private String currentLiveMigration(String server) {
    InstanceRecord record = servers.get(server);
    if (record.currentMoveId == null || record.currentMoveType != MoveType.LIVE_MIGRATION) {
      throw new FerryRejection(
          Reason.NOTHING_PENDING,
          "server "
              + label(record)
              + " has no live migration in progress"
              + (record.currentMoveId != null ? " (" + busyWith(record) + ")" : ""));
    }
    return record.currentMoveId;
  }

  private LiveMigrationWorkflow stub(String moveId) {
    return ctx.client.newWorkflowStub(LiveMigrationWorkflow.class, Names.moveWorkflowId(moveId));
  }
}
