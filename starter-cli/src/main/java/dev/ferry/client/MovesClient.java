package dev.ferry.client;

import static dev.ferry.client.Inputs.nullToEmpty;
import static dev.ferry.client.Inputs.requirePositive;
import static dev.ferry.client.Inputs.stripMovePrefix;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.Names;
import dev.ferry.move.MoveView;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.common.converter.DataConverter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Any move's status view, by server or move id, and waiting for a status ({@code ferry migration
 * show}, {@code --wait}); moves listed from Temporal's visibility store ({@code ferry migration
 * list}). Obtained from {@link FerryClient#moves()}.
 */
public final class MovesClient {
  private final ClientContext ctx;
  private final HostsClient hosts;
  private final ServersClient servers;

  MovesClient(ClientContext ctx, HostsClient hosts, ServersClient servers) {
    this.ctx = ctx;
    this.hosts = hosts;
    this.servers = servers;
  }

  /**
   * Moves from Temporal's visibility store (its {@code ListWorkflowExecutions}, filtered on Ferry's
   * search attributes), in {@link MigrationSearch#VISIBILITY_ORDER}: running moves first, newest
   * started first; then ended ones, most recently ended first. Server names come from one query to
   * placement; when placement does not answer, rows name servers by instance id. A move's status is
   * the one {@code migration show} gives it ({@link RecordedMove}: an evacuation's server record
   * may say {@code completed} where the store says {@code done}), and the status filter matches
   * that.
   *
   * @throws FerryRejection INVALID_ARGUMENT for a bad filter, UNKNOWN_INSTANCE for an unknown
   *     server name
   * @throws FerryFailure when the engine has no visibility store (Temporal's Java test server)
   */
  public List<MigrationListing> list(MigrationQuery query) {
    MigrationQuery q = checked(query == null ? MigrationQuery.all() : query);
    Map<String, String> names = serverNames(q.server());
    String instanceId = q.server() == null ? null : ServerRefs.resolve(names, q.server());
    String visibilityQuery = MigrationSearch.visibilityQuery(q, instanceId);
    DataConverter converter = ctx.client.getOptions().getDataConverter();
    Map<String, Optional<InstanceRecord>> records = new HashMap<>(); // one query per server
    UnaryOperator<MigrationListing> shown = m -> asRecorded(m, records);
    // The store filtered on what moves reported; a row the record may reword is checked again.
    Predicate<WorkflowExecutionInfo> wanted =
        info -> {
          MigrationListing m =
              MigrationSearch.listing(new WorkflowExecutionMetadata(info, converter), names);
          return q.status() == null
              || !RecordedMove.mayChangeAfterClose(m.type(), m.status())
              || q.status().equals(shown.apply(m).status());
        };
    return MigrationSearch.listings(
            MigrationSearch.fetch(
                this::listPage, ctx.namespace(), visibilityQuery, q.limit(), wanted),
            names,
            converter)
        .stream()
        .map(shown)
        .toList();
  }

  private MigrationListing asRecorded(
      MigrationListing m, Map<String, Optional<InstanceRecord>> records) {
    if (m.running()
        || m.instanceId() == null
        || !RecordedMove.mayChangeAfterClose(m.type(), m.status())) {
      return m;
    }
    InstanceRecord record =
        records
            .computeIfAbsent(m.instanceId(), id -> Optional.ofNullable(servers.readable(id)))
            .orElse(null);
    return m.withStatus(RecordedMove.of(m.moveId(), m.type(), m.status(), record));
  }

  /**
   * A move by server (its current move, else its last one) or by move id ({@code <uuid>} or {@code
   * move:<uuid>}), as its server's record tells it ({@link #asRecorded}).
   */
  public MoveView get(String serverOrMoveId) {
    if (serverOrMoveId == null || serverOrMoveId.isBlank()) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "a server or move id is required");
    }
    if (serverOrMoveId.startsWith("move:")) {
      return asRecorded(requireMove(stripMovePrefix(serverOrMoveId)));
    }
    InstanceRecord record;
    try {
      record = servers.get(serverOrMoveId);
    } catch (FerryRejection r) {
      if (r.reason() == Reason.UNKNOWN_INSTANCE && Names.isUuid(serverOrMoveId)) {
        MoveView view = view(serverOrMoveId);
        if (view != null) {
          return asRecorded(view);
        }
        throw new FerryRejection(
            Reason.UNKNOWN_INSTANCE,
            "no server or move '" + serverOrMoveId + "': see 'ferry server list'");
      }
      if (r.reason() == Reason.INVALID_ARGUMENT && ServerRefs.looksLikeId(serverOrMoveId)) {
        throw new FerryRejection(
            Reason.INVALID_ARGUMENT,
            "malformed id '"
                + serverOrMoveId
                + "': a server or move id is a UUID (8-4-4-4-12 hex digits)");
      }
      throw r;
    }
    String moveId = record.currentMoveId;
    if (moveId == null && record.moves != null && !record.moves.isEmpty()) {
      moveId = record.moves.get(record.moves.size() - 1).moveId();
    }
    if (moveId == null) {
      throw new FerryRejection(
          Reason.NOTHING_PENDING, "server " + record.name + " has never been moved");
    }
    return RecordedMove.of(requireMove(moveId), record);
  }

  /**
   * {@code view} as its server's record tells it ({@link RecordedMove}): the later status (an
   * evacuation {@code completed} after it ended {@code done}), and the record's note about it not
   * among its errors; as it is when the record is not asked (any other move) or cannot be read
   * (e.g. the server was deleted).
   */
  public MoveView asRecorded(MoveView view) {
    if (view.instanceId() == null
        || !RecordedMove.mayChangeAfterClose(view.type(), view.status())) {
      return view;
    }
    return RecordedMove.of(view, servers.readable(view.instanceId()));
  }

  /**
   * Polls a move's {@code status} query until its status is one of {@code untilStatuses} (any
   * spelling: {@code finished}, {@code FINISHED}; {@code pre-migrating}, {@code PRE_MIGRATING}) or
   * it has finished.
   */
  public MoveView await(String moveId, Set<String> untilStatuses, Duration timeout) {
    Set<String> until =
        untilStatuses == null
            ? Set.of()
            : untilStatuses.stream().map(MovesClient::normalizeStatus).collect(Collectors.toSet());
    return await(moveId, v -> v.finished() || until.contains(normalizeStatus(v.status())), timeout);
  }

  /**
   * The step the move runs now, with its progress when it reports one (a disk copy's bytes, a
   * graceful shutdown's wait); empty when it waits on no step (a timer, a decision) or has ended.
   */
  public Optional<RunningStep> step(String moveId) {
    return new PendingSteps(ctx).running(moveId);
  }

  /** A watch of the move until it has reached {@code end}, for {@link Polling} to follow. */
  public Polling.Watch<MoveView> watch(String moveId, MoveEnd<?> end) {
    String id = stripMovePrefix(moveId);
    return MoveWatch.of(id, () -> view(id), end::reached);
  }

  /** Polls a move's {@code status} query until it has reached {@code end}. */
  public MoveView await(String moveId, MoveEnd<?> end, Duration timeout) {
    return await(moveId, end::reached, timeout);
  }

  private MoveView await(String moveId, Predicate<MoveView> until, Duration timeout) {
    String id = stripMovePrefix(moveId);
    Duration wait = requirePositive(timeout, "timeout");
    return Polling.every(ClientContext.POLL).until(MoveWatch.of(id, () -> view(id), until), wait);
  }

  private static MigrationQuery checked(MigrationQuery q) {
    if (q.limit() < 1 || q.limit() > MigrationQuery.MAX_LIMIT) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT,
          "the limit must be 1 to " + MigrationQuery.MAX_LIMIT + ", not " + q.limit());
    }
    if (q.server() != null && q.server().isBlank()) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "a server name or id is required");
    }
    if (q.host() != null) {
      Names.requireValidName("host", q.host());
    }
    String status = q.status() == null ? null : MigrationVocabulary.parseStatus(q.status());
    MigrationVocabulary.requireReportedBy(q.type(), status);
    return q.withStatus(status);
  }

  /**
   * Placement's index (instance id to name). Without it rows show instance ids, which is fine
   * unless the caller named a server: that name cannot be resolved.
   */
  private Map<String, String> serverNames(String server) {
    try {
      return nullToEmpty(hosts.placement().instances());
    } catch (FerryRejection | FerryFailure e) {
      if (server != null && !Names.isUuid(server)) {
        throw e;
      }
      return Map.of();
    }
  }

  private ListWorkflowExecutionsResponse listPage(ListWorkflowExecutionsRequest request) {
    return ctx.call(
        "list moves",
        () -> {
          try {
            return ctx.client
                .getWorkflowServiceStubs()
                .blockingStub()
                .listWorkflowExecutions(request);
          } catch (StatusRuntimeException e) {
            throw listingRefused(e);
          }
        },
        null);
  }

  /** What the engine's refusal of a listing means for Ferry; any other failure as it is. */
  private RuntimeException listingRefused(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    String reason = e.getStatus().getDescription();
    if (code == Status.Code.UNIMPLEMENTED) {
      return new FerryFailure(
          "migration list needs a real Temporal server (visibility); Temporal at "
              + ctx.target
              + " does not implement ListWorkflowExecutions (Temporal's Java test server?):"
              + " run a Temporal server with Ferry's search attributes (see README), or follow"
              + " one move with 'ferry migration show'",
          e);
    }
    if (code == Status.Code.INVALID_ARGUMENT && reason != null && reason.contains("search attr")) {
      return new FerryFailure(
          "migration list: Temporal at "
              + ctx.target
              + " refused the query ("
              + reason
              + "): Ferry's search attributes are missing on namespace "
              + ctx.namespace()
              + "; the conductor refuses to start without them and prints the commands that"
              + " create them",
          e);
    }
    return e;
  }

  /** {@code pre-migrating}, {@code PRE_MIGRATING} and {@code Pre_Migrating} are one status. */
  public static String normalizeStatus(String status) {
    return status == null ? "" : status.trim().toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private MoveView requireMove(String moveId) {
    MoveView view = view(moveId);
    if (view == null) {
      throw new FerryRejection(
          Reason.UNKNOWN_INSTANCE,
          "no move "
              + moveId
              + " on Temporal at "
              + ctx.target
              + " (its history may have expired)");
    }
    return view;
  }

  /** The move's status view; null when there is no such move workflow. */
  private MoveView view(String moveId) {
    String workflowId = Names.moveWorkflowId(moveId);
    try {
      return ctx.call(
          "query move " + moveId,
          () -> ctx.client.newUntypedWorkflowStub(workflowId).query("status", MoveView.class),
          () -> new FerryRejection(Reason.UNKNOWN_INSTANCE, "no move " + moveId));
    } catch (FerryRejection r) {
      if (r.reason() == Reason.UNKNOWN_INSTANCE) {
        return null;
      }
      throw r;
    }
  }
}
