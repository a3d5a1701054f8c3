package dev.ferry.client;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.temporal.PushbackCounter;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Ferry's client API: what the {@code ferry} command is built on, usable by any program. This is
 * the entry point: it connects, owns the connection, and hands out one client per concern, which
 * share it:
 *
 * <pre>{@code
 * try (FerryClient ferry = FerryClient.connect(FerryClientOptions.defaults())) {
 *   String moveId = ferry.live().migrate("web1", null, null);
 *   ferry.live().awaitChecks(moveId, Duration.ofMinutes(1));
 *   MoveView done = ferry.moves().await(moveId, Set.of(), Duration.ofMinutes(30));
 * }
 * }</pre>
 *
 * <p>Every method checks its input first and throws {@link FerryRejection} (nothing changed) with a
 * message that says what to do; a request that was accepted but did not succeed throws {@link
 * FerryFailure}. Every query and update has a deadline, so a missing conductor cannot hang a
 * caller.
 */
public final class FerryClient implements AutoCloseable {

  /**
   * Calls of this process that the server pushed back (RESOURCE_EXHAUSTED, e.g. too many in-flight
   * Updates on one workflow); the SDK retried each with backoff.
   */
  private static final PushbackCounter PUSHBACKS = new PushbackCounter(message -> {});

  private final ClientContext ctx;
  private final WorkflowServiceStubs ownedStubs;
  private final HostsClient hosts;
  private final ServersClient servers;
  private final MovesClient moves;
  private final ResizeClient resizes;
  private final LiveMigrationClient live;
  private final EvacuationClient evacuation;
  private final HistoryClient history;
  private final ActionsClient actions;

  private FerryClient(
      WorkflowClient client,
      WorkflowServiceStubs ownedStubs,
      String target,
      Duration callTimeout,
      Supplier<String> ids) {
    this.ownedStubs = ownedStubs;
    this.ctx =
        new ClientContext(
            client, target, System.getProperty("user.name", "unknown"), callTimeout, ids);
    ResizeDecisions decisions = new ResizeDecisions(ctx);
    this.hosts = new HostsClient(ctx);
    this.servers = new ServersClient(ctx, hosts, decisions);
    this.actions = new ActionsClient(ctx, servers);
    this.moves = new MovesClient(ctx, hosts, servers);
    this.resizes = new ResizeClient(ctx, servers, moves, decisions);
    this.live = new LiveMigrationClient(ctx, servers);
    this.evacuation = new EvacuationClient(ctx, hosts, servers);
    this.history = new HistoryClient(ctx);
  }

  /** How many calls of this process the Temporal server has pushed back (and the SDK retried). */
  public static long pushbacks() {
    return PUSHBACKS.pushbacks();
  }

  /**
   * Connects to Temporal and checks within {@code options.connectTimeout()} that it answers.
   *
   * @throws FerryRejection UNREACHABLE when it does not
   */
  public static FerryClient connect(FerryClientOptions options) {
    FerryClientOptions o = options == null ? FerryClientOptions.defaults() : options;
    WorkflowServiceStubs stubs;
    try {
      stubs =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder()
                  .setTarget(o.target())
                  .setGrpcClientInterceptors(List.of(PUSHBACKS))
                  .build());
    } catch (RuntimeException e) {
      throw Failures.unreachable(o.target(), Failures.rootMessage(e));
    }
    long deadlineMs = o.connectTimeout().toMillis();
    try {
      stubs
          .blockingStub()
          .withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      // UNIMPLEMENTED is an answer: the server is there, it just does not know the call.
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        stubs.shutdownNow();
        throw Failures.unreachable(o.target(), Failures.describe(e));
      }
    } catch (RuntimeException e) {
      stubs.shutdownNow();
      throw Failures.unreachable(o.target(), Failures.rootMessage(e));
    }
    try {
      stubs
          .blockingStub()
          .withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
          .describeNamespace(
              DescribeNamespaceRequest.newBuilder().setNamespace(o.namespace()).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        stubs.shutdownNow();
        throw new FerryRejection(
            Reason.INVALID_ARGUMENT,
            "namespace '"
                + o.namespace()
                + "' does not exist on Temporal at "
                + o.target()
                + ": pass --namespace");
      }
      // Anything else (e.g. an engine without DescribeNamespace): the namespace is tried on use.
    }
    WorkflowClient client =
        WorkflowClient.newInstance(
            stubs,
            WorkflowClientOptions.newBuilder()
                .setNamespace(o.namespace())
                .setDataConverter(FerryDataConverter.create())
                .setIdentity(System.getProperty("user.name", "unknown") + "@ferry-cli")
                .build());
    return new FerryClient(
        client, stubs, o.target(), o.callTimeout(), () -> UUID.randomUUID().toString());
  }

  /**
   * A client over an existing WorkflowClient (tests, programs with their own client). Its data
   * converter is used as is: see {@link FerryDataConverter} for one that reads every Ferry record.
   */
  public static FerryClient of(WorkflowClient client) {
    return of(client, FerryClientOptions.defaults().callTimeout());
  }

  public static FerryClient of(WorkflowClient client, Duration callTimeout) {
    return of(client, callTimeout, () -> UUID.randomUUID().toString());
  }

  /** As {@link #of(WorkflowClient, Duration)} with chosen instance and move ids (tests). */
  static FerryClient of(WorkflowClient client, Duration callTimeout, Supplier<String> ids) {
    return new FerryClient(client, null, "(in-process)", callTimeout, ids);
  }

  /** Placement and hosts: list, show, enable/disable, forced down. */
  public HostsClient hosts() {
    return hosts;
  }

  /** Servers: create, list, show, adopt, delete. */
  public ServersClient servers() {
    return servers;
  }

  /** Resize and cold migration, with confirm, revert and cancel. */
  public ResizeClient resizes() {
    return resizes;
  }

  /** Live migration, with its progress, abort and force-complete. */
  public LiveMigrationClient live() {
    return live;
  }

  /** Evacuation of a server or a failed host, and host drain. */
  public EvacuationClient evacuation() {
    return evacuation;
  }

  /** Any move's status view, waiting for a status, and listing moves. */
  public MovesClient moves() {
    return moves;
  }

  /** Workflow history export. */
  /** Server actions (stop, start, pause, suspend, reboot, reconcile) and reset-state. */
  public ActionsClient actions() {
    return actions;
  }

  public HistoryClient history() {
    return history;
  }

  public WorkflowClient workflowClient() {
    return ctx.client;
  }

  /** Who this client acts as: recorded in move status logs. */
  public String user() {
    return ctx.user;
  }

  public String target() {
    return ctx.target;
  }

  @Override
  public void close() {
    ctx.close();
    if (ownedStubs != null) {
      ownedStubs.shutdownNow();
      ownedStubs.awaitTermination(2, TimeUnit.SECONDS);
    }
  }
}
