package dev.ferry.client;

import dev.ferry.evacuate.FenceMethods;
import dev.ferry.evacuate.HostDrainWorkflow;
import dev.ferry.evacuate.HostEvacuationWorkflow;
import dev.ferry.evacuate.HostMoves;
import dev.ferry.evacuate.HostMovesInput;
import dev.ferry.evacuate.HostMovesView;
import dev.ferry.host.HostWorkflow;
import dev.ferry.instance.AdoptionWorkflow;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.live.JobProgress;
import dev.ferry.live.LiveMigrationOptions;
import dev.ferry.live.LiveMigrationView;
import dev.ferry.live.LiveMigrationWorkflow;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavor;
import dev.ferry.model.Flavors;
import dev.ferry.model.HostRecord;
import dev.ferry.model.HostSummary;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveSummary;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.model.PlacementView;
import dev.ferry.model.PlacementView.HostUsage;
import dev.ferry.model.Resources;
import dev.ferry.model.VmState;
import dev.ferry.move.MoveView;
import dev.ferry.placement.Admission;
import dev.ferry.placement.PlacementWorkflow;
import dev.ferry.resize.ResizeWorkflow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Ferry's client API: what the {@code ferry} command is built on, usable by any program. Every
 * method checks its input first and throws {@link FerryRejection} (nothing changed) with a message
 * that says what to do; a request that was accepted but did not succeed throws {@link
 * FerryFailure}. Every query and update has a deadline, so a missing conductor cannot hang a
 * caller.
 */
public final class FerryClient implements AutoCloseable {

  /** How often waits poll a workflow's query. */
  static final Duration POLL = Duration.ofMillis(200);

  public static final Duration DEFAULT_BUILD_TIMEOUT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_ADOPT_TIMEOUT = Duration.ofMinutes(2);

  /** Deadline of updates whose handler works on hosts: delete, resize confirm and revert. */
  static final Duration SLOW_UPDATE_TIMEOUT = Duration.ofMinutes(5);

  private static final Set<VmState> MOVABLE = EnumSet.of(VmState.ACTIVE, VmState.STOPPED);
  private static final Set<VmState> EVACUABLE =
      EnumSet.of(VmState.ACTIVE, VmState.STOPPED, VmState.ERROR);

  private final WorkflowClient client;
  private final WorkflowServiceStubs ownedStubs;
  private final String target;
  private final Duration callTimeout;
  private final Supplier<String> ids;
  private final String user;
  private final ExecutorService calls;

  private FerryClient(
      WorkflowClient client,
      WorkflowServiceStubs ownedStubs,
      String target,
      Duration callTimeout,
      Supplier<String> ids) {
    this.client = client;
    this.ownedStubs = ownedStubs;
    this.target = target;
    this.callTimeout = callTimeout;
    this.ids = ids;
    this.user = System.getProperty("user.name", "unknown");
    this.calls =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "ferry-client-call");
              t.setDaemon(true);
              return t;
            });
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
              WorkflowServiceStubsOptions.newBuilder().setTarget(o.target()).build());
    } catch (RuntimeException e) {
      throw unreachable(o.target(), rootMessage(e));
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
        throw unreachable(o.target(), describe(e));
      }
    } catch (RuntimeException e) {
      stubs.shutdownNow();
      throw unreachable(o.target(), rootMessage(e));
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

  public WorkflowClient workflowClient() {
    return client;
  }

  /** Who this client acts as: recorded in move status logs. */
  public String user() {
    return user;
  }

  public String target() {
    return target;
  }

  @Override
  public void close() {
    calls.shutdownNow();
    if (ownedStubs != null) {
      ownedStubs.shutdownNow();
      ownedStubs.awaitTermination(2, TimeUnit.SECONDS);
    }
  }

  // ---------------------------------------------------------------- placement and hosts

  /** Placement's view: hosts with capacity and usage, claims, the instance index, settings. */
  public PlacementView placement() {
    return call("query placement", () -> placementStub().view(), this::placementMissing);
  }

  /** Every host placement knows, with its HostWorkflow record, sorted by name. */
  public List<HostRecord> hosts() {
    return hostListings().stream().map(HostListing::record).toList();
  }

  /** Every host with its record, capacity and usage, sorted by name. */
  public List<HostListing> hostListings() {
    PlacementView view = placement();
    List<HostListing> out = new ArrayList<>();
    for (HostUsage u : nullToEmpty(view.hosts())) {
      String name = u.host().name();
      HostRecord record;
      try {
        record = host(name);
      } catch (FerryRejection r) {
        if (r.reason() != Reason.UNKNOWN_HOST) {
          throw r;
        }
        record = fromSummary(u.host()); // placement knows it, its entity is gone
      }
      out.add(new HostListing(record, u.capacity(), u.used()));
    }
    out.sort(Comparator.comparing(h -> h.record().name));
    return out;
  }

  /** One host's record ({@code host:<name>}). */
  public HostRecord host(String name) {
    Names.requireValidName("host", name);
    return call("query host " + name, () -> hostStub(name).get(), () -> unknownHost(name));
  }

  /** One host with placement's capacity and usage (null when placement does not know it). */
  public HostListing hostListing(String name) {
    HostRecord record = host(name);
    Optional<HostUsage> usage = findHost(placement(), name);
    return new HostListing(
        record,
        usage.map(HostUsage::capacity).orElse(null),
        usage.map(HostUsage::used).orElse(null));
  }

  public HostRecord enableHost(String name) {
    Names.requireValidName("host", name);
    return call(
        "enable host " + name,
        () -> hostStub(name).setEnabled(true, null),
        () -> unknownHost(name));
  }

  public HostRecord disableHost(String name, String reason) {
    Names.requireValidName("host", name);
    return call(
        "disable host " + name,
        () -> hostStub(name).setEnabled(false, reason),
        () -> unknownHost(name));
  }

  /** Marks a host forced down (it counts as DOWN until {@link #unsetForceDown}), as Nova. */
  public HostRecord forceDown(String name) {
    Names.requireValidName("host", name);
    return call(
        "force host " + name + " down",
        () -> hostStub(name).setForcedDown(true),
        () -> unknownHost(name));
  }

  public HostRecord unsetForceDown(String name) {
    Names.requireValidName("host", name);
    return call(
        "unset forced-down of host " + name,
        () -> hostStub(name).setForcedDown(false),
        () -> unknownHost(name));
  }

  // ---------------------------------------------------------------- servers

  /**
   * Creates a server and waits until it is built.
   *
   * @param host null lets Ferry pick: an alive, enabled host with room and the most free memory
   * @throws FerryRejection bad input or a placement refusal (name taken, host unknown, down,
   *     disabled or full): nothing was created
   * @throws FerryFailure the build ended in ERROR or did not end within {@code timeout}
   */
  public InstanceRecord createServer(
      String name, String flavorName, String host, Duration timeout) {
    return createServer(name, flavorName, host, timeout, 0, false);
  }

  /**
   * Creates a server with a root disk: a qcow2 of {@code diskSizeMb} MiB that the host's agent
   * creates in its local instances directory, or in its shared one when {@code sharedDisk}.
   *
   * @param diskSizeMb 0 for no disk
   */
  public InstanceRecord createServer(
      String name,
      String flavorName,
      String host,
      Duration timeout,
      long diskSizeMb,
      boolean sharedDisk) {
    return createServer(name, flavorName, host, timeout, diskSizeMb, sharedDisk, null);
  }

  /**
   * As above, with the root disk made from {@code image}, a base image in the chosen host's image
   * store (a full copy, of the image's size unless {@code diskSizeMb} asks for more). An image the
   * host does not have is refused (UNKNOWN_IMAGE) before anything is created.
   *
   * @param image null for a blank disk
   */
  public InstanceRecord createServer(
      String name,
      String flavorName,
      String host,
      Duration timeout,
      long diskSizeMb,
      boolean sharedDisk,
      String image) {
    if (diskSizeMb < 0) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "the disk size cannot be negative");
    }
    if (image != null) {
      Names.requireValidName("image", image);
    }
    if (sharedDisk && diskSizeMb == 0 && image == null) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "a shared disk needs a disk size");
    }
    Names.requireValidName("server", name);
    Flavor flavor = Flavors.require(flavorName);
    Duration wait = timeout == null ? DEFAULT_BUILD_TIMEOUT : requirePositive(timeout, "timeout");
    String chosen =
        host != null
            ? Names.requireValidName("host", host)
            : pickHost(placement(), flavor, "server " + name);
    String id = ids.get();
    call(
        "admit server " + name,
        () -> placementStub().admit(new Admission(id, name, chosen, flavor.resources(), false)),
        this::placementMissing);

    InstanceRecord record = new InstanceRecord();
    record.id = id;
    record.name = name;
    record.flavor = flavor;
    record.host = chosen;
    record.diskSizeMb = diskSizeMb;
    record.sharedStorage = sharedDisk;
    record.baseImage = image;
    record.vmState = VmState.BUILDING;
    record.createdAtMillis = System.currentTimeMillis();
    try {
      InstanceWorkflow stub =
          client.newWorkflowStub(
              InstanceWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(Names.instanceWorkflowId(id))
                  .setTaskQueue(Names.CONDUCTOR_QUEUE)
                  .setStaticSummary(
                      "server " + name + " (" + flavor.name() + "), created on " + chosen)
                  .build());
      call("start server " + name, () -> WorkflowClient.start(stub::run, record), null);
    } catch (RuntimeException e) {
      // Give the name and the capacity back: the instance never existed.
      try {
        call("withdraw admission of " + name, () -> withdraw(id), null);
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new FerryFailure(
          "could not start server " + name + ": " + messageOf(e) + " (its admission was withdrawn)",
          e);
    }
    return awaitBuilt(id, name, wait);
  }

  /** Every server in placement's index, sorted by name; deleted ones are left out. */
  public List<InstanceRecord> servers() {
    PlacementView view = placement();
    List<InstanceRecord> out = new ArrayList<>();
    for (String id : nullToEmpty(view.instances()).keySet()) {
      try {
        InstanceRecord r = instance(id, id);
        if (r != null && r.vmState != VmState.DELETED) {
          out.add(r);
        }
      } catch (FerryRejection r) {
        if (r.reason() != Reason.UNKNOWN_INSTANCE) {
          throw r;
        }
      }
    }
    out.sort(Comparator.comparing(r -> r.name == null ? "" : r.name));
    return out;
  }

  /** A server by name or instance id. */
  public InstanceRecord server(String nameOrId) {
    String id = resolveInstanceId(nameOrId);
    return instance(id, nameOrId);
  }

  /** Adopts a domain Ferry did not define; waits up to 2 minutes. Returns the instance id. */
  public String adopt(String host, String domainName) {
    return adopt(host, domainName, DEFAULT_ADOPT_TIMEOUT);
  }

  public String adopt(String host, String domainName, Duration timeout) {
    Names.requireValidName("host", host);
    if (domainName == null || domainName.isBlank()) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "a domain name is required");
    }
    Duration wait = timeout == null ? DEFAULT_ADOPT_TIMEOUT : requirePositive(timeout, "timeout");
    String workflowId = "adopt:" + host + ":" + domainName;
    AdoptionWorkflow stub =
        client.newWorkflowStub(
            AdoptionWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(Names.CONDUCTOR_QUEUE)
                // a second `adopt` of the same domain while the first runs joins it
                .setWorkflowIdConflictPolicy(
                    WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .setStaticSummary("adopt domain " + domainName + " on host " + host)
                .build());
    call(
        "start adoption " + workflowId,
        () -> WorkflowClient.start(stub::adopt, host, domainName),
        null);
    String what = "adoption of domain " + domainName + " on host " + host;
    try {
      return WorkflowStub.fromTyped(stub)
          .getResult(wait.toMillis(), TimeUnit.MILLISECONDS, String.class);
    } catch (TimeoutException e) {
      throw new FerryFailure(
          what
              + " is still running after "
              + seconds(wait)
              + "; it goes on: follow workflow "
              + workflowId);
    } catch (RuntimeException e) {
      throw translate(what, e, null);
    }
  }

  /** Deletes a server: its domain, its claim and its name. Returns the final record. */
  public InstanceRecord deleteServer(String nameOrId) {
    InstanceRecord record = server(nameOrId);
    return call(
        "delete server " + nameOrId,
        () -> instanceStub(record.id).delete(),
        () -> unknownInstance(nameOrId),
        SLOW_UPDATE_TIMEOUT);
  }

  // ---------------------------------------------------------------- moves

  /**
   * Cold-migrates a server; returns the move id.
   *
   * @param destHost null lets the scheduler pick
   * @param confirmWindow auto-confirm window; null = the cluster default, zero = wait for the
   *     operator
   */
  public String migrate(String server, String destHost, Duration confirmWindow) {
    return startMove(MoveType.COLD_MIGRATION, server, null, destHost, confirmWindow);
  }

  /** Resizes a server to another flavor; returns the move id. */
  public String resize(String server, String flavor, String destHost, Duration confirmWindow) {
    if (flavor == null || flavor.isBlank()) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "a flavor is required for a resize");
    }
    return startMove(MoveType.RESIZE, server, flavor, destHost, confirmWindow);
  }

  /**
   * Evacuates a server off its failed host: fence the host, rebuild the server elsewhere from its
   * record. Returns the move id; a second request while one runs returns the running one.
   *
   * @param destHost null lets the scheduler pick
   * @param fenceMethod confirmed-off, libvirt-destroy, ipmi or redfish; null = the conductor's
   *     default
   * @throws FerryRejection HOST_IN_USE while the server's host is UP and not forced down (Nova's
   *     ComputeServiceInUse), and the other refusals: nothing was changed
   */
  public String evacuate(String server, String destHost, String fenceMethod) {
    InstanceRecord record = server(server);
    String label = record.name != null ? record.name : record.id;
    if (record.isBusy() && record.currentMoveType == MoveType.EVACUATION) {
      return record.currentMoveId; // the running evacuation answers (Nova does the same)
    }
    if (record.isBusy()) {
      throw new FerryRejection(
          Reason.INSTANCE_BUSY,
          "server "
              + label
              + " is busy with move "
              + record.currentMoveId
              + ": wait for it, or see 'ferry migration show "
              + label
              + "'");
    }
    if (!EVACUABLE.contains(record.vmState)) {
      throw new FerryRejection(
          Reason.INVALID_STATE,
          "server "
              + label
              + " is "
              + record.vmState
              + ": only ACTIVE, STOPPED or ERROR servers can be evacuated");
    }
    if (fenceMethod != null && !FenceMethods.ALL.contains(fenceMethod)) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT,
          "unknown fencing method '"
              + fenceMethod
              + "': use one of "
              + String.join(", ", FenceMethods.ALL));
    }
    HostRecord source = host(record.host);
    if (source.isAlive()) {
      throw hostInUse(source.name);
    }
    if (destHost != null) {
      Names.requireValidName("host", destHost);
      if (destHost.equals(record.host)) {
        throw new FerryRejection(
            Reason.SAME_HOST,
            "server " + label + " is on host " + destHost + ", the failed one: pick another host");
      }
      requireUsable(findHost(placement(), destHost).orElseThrow(() -> unknownHost(destHost)));
    }
    MoveRequest request =
        new MoveRequest(
            ids.get(), MoveType.EVACUATION, record.id, destHost, null, null, user, fenceMethod);
    String workflowId =
        call(
            "start evacuation of server " + label,
            () -> instanceStub(record.id).startMove(request),
            () -> unknownInstance(server));
    return stripMovePrefix(workflowId);
  }

  /**
   * Evacuates every server of a failed host, at most {@code concurrency} at a time (a server-side
   * workflow; a second request while one runs joins it). Returns its workflow id.
   *
   * @throws FerryRejection HOST_IN_USE while the host is UP and not forced down
   */
  public String evacuateHost(String host, int concurrency, String fenceMethod) {
    HostRecord record = host(host);
    if (record.isAlive()) {
      throw hostInUse(host);
    }
    if (fenceMethod != null && !FenceMethods.ALL.contains(fenceMethod)) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT,
          "unknown fencing method '"
              + fenceMethod
              + "': use one of "
              + String.join(", ", FenceMethods.ALL));
    }
    String workflowId = HostMoves.evacuationWorkflowId(host);
    HostEvacuationWorkflow stub =
        client.newWorkflowStub(
            HostEvacuationWorkflow.class,
            hostMovesOptions(workflowId, "evacuate every server of failed host " + host));
    HostMovesInput input =
        new HostMovesInput(host, requireConcurrency(concurrency), user, fenceMethod);
    call("start evacuation of host " + host, () -> WorkflowClient.start(stub::run, input), null);
    return workflowId;
  }

  /**
   * Drains an UP host: disables it, then live-migrates its servers away, at most {@code
   * concurrency} at a time (Nova's host-evacuate-live, server-side). Returns its workflow id.
   *
   * @throws FerryRejection HOST_UNAVAILABLE when the host is down (evacuate it instead)
   */
  public String drainHost(String host, int concurrency) {
    HostRecord record = host(host);
    if (!record.isAlive()) {
      throw new FerryRejection(
          Reason.HOST_UNAVAILABLE,
          "host "
              + host
              + " is "
              + (record.forcedDown ? "forced down" : "DOWN")
              + ": live migration needs its agent; if it has failed, use 'ferry host evacuate "
              + host
              + "'");
    }
    String workflowId = HostMoves.drainWorkflowId(host);
    HostDrainWorkflow stub =
        client.newWorkflowStub(
            HostDrainWorkflow.class,
            hostMovesOptions(workflowId, "drain host " + host + " (live-migrate its servers)"));
    HostMovesInput input = new HostMovesInput(host, requireConcurrency(concurrency), user, null);
    call("start drain of host " + host, () -> WorkflowClient.start(stub::run, input), null);
    return workflowId;
  }

  /**
   * A host evacuation's or drain's progress ({@code host-evacuation:<h>} / {@code host-drain:<h>}).
   */
  public HostMovesView hostMoves(String workflowId) {
    return call(
        "query " + workflowId,
        () -> client.newUntypedWorkflowStub(workflowId).query("progress", HostMovesView.class),
        () -> new FerryRejection(Reason.NOTHING_PENDING, "no " + workflowId + " has run"));
  }

  /** Polls a host evacuation or drain until it is no longer running. */
  public HostMovesView awaitHostMoves(String workflowId, Duration timeout) {
    Duration wait = requirePositive(timeout, "timeout");
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      HostMovesView view = hostMoves(workflowId);
      if (!"running".equals(view.status())) {
        return view;
      }
      if (System.nanoTime() > deadline) {
        throw new FerryFailure(
            workflowId
                + " is still running after "
                + seconds(wait)
                + " ("
                + view.done()
                + " done, "
                + view.running()
                + " running, "
                + view.pending()
                + " pending); it goes on");
      }
      sleep(POLL);
    }
  }

  private static WorkflowOptions hostMovesOptions(String workflowId, String summary) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(Names.CONDUCTOR_QUEUE)
        // a second request while one runs joins it; a finished one may run again
        .setWorkflowIdConflictPolicy(
            WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
        .setStaticSummary(summary)
        .build();
  }

  private static int requireConcurrency(int concurrency) {
    if (concurrency < 1) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "the concurrency must be at least 1");
    }
    return concurrency;
  }

  private static FerryRejection hostInUse(String host) {
    return new FerryRejection(
        Reason.HOST_IN_USE,
        "host "
            + host
            + " is UP and not forced down: evacuation is only for a failed host. If it has"
            + " failed, force it down first ('ferry host set-down "
            + host
            + "'); to empty a running host, use 'ferry host drain "
            + host
            + "'");
  }

  /**
   * Polls a move's {@code status} query until its status is one of {@code untilStatuses} (any
   * spelling: {@code finished}, {@code FINISHED}; {@code pre-migrating}, {@code PRE_MIGRATING}) or
   * it has finished.
   */
  public MoveView awaitMove(String moveId, Set<String> untilStatuses, Duration timeout) {
    String id = stripMovePrefix(moveId);
    Duration wait = requirePositive(timeout, "timeout");
    Set<String> until =
        untilStatuses == null
            ? Set.of()
            : untilStatuses.stream().map(FerryClient::normalizeStatus).collect(Collectors.toSet());
    long deadline = System.nanoTime() + wait.toNanos();
    MoveView last = null;
    while (true) {
      last = moveView(id);
      if (last != null && (last.finished() || until.contains(normalizeStatus(last.status())))) {
        return last;
      }
      if (System.nanoTime() > deadline) {
        throw new FerryFailure(
            "move "
                + id
                + (last == null ? " has not started" : " is still " + last.status())
                + " after "
                + seconds(wait)
                + "; it goes on: follow it with 'ferry migration show "
                + id
                + "'");
      }
      sleep(POLL);
    }
  }

  // ---------------------------------------------------------------- live migration

  /**
   * Live-migrates a server (Nova's os-migrateLive) and returns the move id at once. Quick refusals
   * come first, from here; the move's own pre-checks follow ({@link #awaitLiveChecks}).
   *
   * @param destHost null lets placement propose (the next candidate is tried when one fails)
   * @param options null fields take the cluster's defaults
   */
  public String liveMigrate(String server, String destHost, LiveMigrationOptions options) {
    InstanceRecord record = server(server);
    String label = record.name != null ? record.name : record.id;
    if (record.isBusy()) {
      throw new FerryRejection(
          Reason.INSTANCE_BUSY,
          "server "
              + label
              + " is busy with move "
              + record.currentMoveId
              + ": wait for it, or see 'ferry migration show "
              + label
              + "'");
    }
    if (record.vmState != VmState.ACTIVE && record.vmState != VmState.PAUSED) {
      throw new FerryRejection(
          Reason.INVALID_STATE,
          "server "
              + label
              + " is "
              + record.vmState
              + ": only ACTIVE or PAUSED servers can be live-migrated");
    }
    LiveMigrationOptions o = options == null ? LiveMigrationOptions.NONE : options;
    if (o.invalidReason() != null) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, o.invalidReason());
    }
    if (destHost != null) {
      Names.requireValidName("host", destHost);
      if (destHost.equals(record.host)) {
        throw new FerryRejection(
            Reason.SAME_HOST,
            "server " + label + " is already on host " + destHost + ": pick another host");
      }
      requireUsable(findHost(placement(), destHost).orElseThrow(() -> unknownHost(destHost)));
    }
    String moveId = ids.get();
    MoveRequest request =
        new MoveRequest(
            moveId, MoveType.LIVE_MIGRATION, record.id, destHost, null, null, user, null, o);
    call(
        "start live migration of server " + label,
        () -> instanceStub(record.id).startMove(request),
        () -> unknownInstance(server));
    return moveId;
  }

  /**
   * Waits until the live migration's pre-checks have passed (queued for or holding the source's
   * slot) or the move ended. A pre-check refusal is thrown as the typed rejection it was.
   */
  public LiveMigrationView awaitLiveChecks(String moveId, Duration timeout) {
    String id = stripMovePrefix(moveId);
    long deadline = System.nanoTime() + requirePositive(timeout, "timeout").toNanos();
    while (true) {
      LiveMigrationView view = liveMigration(id);
      if (view != null && view.rejection() != null) {
        throw new FerryRejection(Reason.valueOf(view.rejection()), view.error());
      }
      if (view != null && (view.checksPassed() || view.finished())) {
        return view;
      }
      if (System.nanoTime() > deadline) {
        throw new FerryFailure(
            "live migration "
                + id
                + " is still checking after "
                + seconds(timeout)
                + "; it goes on: follow it with 'ferry migration show "
                + id
                + "'");
      }
      sleep(POLL);
    }
  }

  /** A live migration's own view (options, storage, abort/force); null when there is none. */
  public LiveMigrationView liveMigration(String moveId) {
    String workflowId = Names.moveWorkflowId(stripMovePrefix(moveId));
    try {
      return call(
          "query live migration " + moveId,
          () -> client.newUntypedWorkflowStub(workflowId).query("live", LiveMigrationView.class),
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
  public Optional<JobProgress> liveProgress(String moveId) {
    String workflowId = Names.moveWorkflowId(stripMovePrefix(moveId));
    DescribeWorkflowExecutionResponse described =
        call(
            "describe " + workflowId,
            () ->
                client
                    .getWorkflowServiceStubs()
                    .blockingStub()
                    .describeWorkflowExecution(
                        DescribeWorkflowExecutionRequest.newBuilder()
                            .setNamespace(client.getOptions().getNamespace())
                            .setExecution(
                                WorkflowExecution.newBuilder().setWorkflowId(workflowId).build())
                            .build()),
            () -> new FerryRejection(Reason.UNKNOWN_INSTANCE, "no move " + moveId));
    for (PendingActivityInfo activity : described.getPendingActivitiesList()) {
      if (LiveMigrationWorkflow.JOB_ACTIVITY_TYPE.equals(activity.getActivityType().getName())
          && activity.hasHeartbeatDetails()) {
        return Optional.ofNullable(
            client
                .getOptions()
                .getDataConverter()
                .fromPayloads(
                    0,
                    Optional.of(activity.getHeartbeatDetails()),
                    JobProgress.class,
                    JobProgress.class));
      }
    }
    return Optional.empty();
  }

  /**
   * Aborts the server's running live migration and answers once it has ended: {@code cancelled}, or
   * {@code completed} when the abort lost the race at switch-over. Refused in post-copy.
   */
  public LiveMigrationView abortLiveMigration(String server) {
    String moveId = currentLiveMigration(server);
    return call(
        "abort live migration " + moveId,
        () -> liveStub(moveId).abort(user),
        () -> new FerryRejection(Reason.NOTHING_PENDING, "live migration " + moveId + " ended"));
  }

  /** Makes the server's running live migration complete: pause, or post-copy when permitted. */
  public LiveMigrationView forceCompleteLiveMigration(String server) {
    String moveId = currentLiveMigration(server);
    return call(
        "force-complete live migration " + moveId,
        () -> liveStub(moveId).forceComplete(user),
        () -> new FerryRejection(Reason.NOTHING_PENDING, "live migration " + moveId + " ended"));
  }

  private String currentLiveMigration(String server) {
    InstanceRecord record = server(server);
    String label = record.name != null ? record.name : record.id;
    if (record.currentMoveId == null || record.currentMoveType != MoveType.LIVE_MIGRATION) {
      throw new FerryRejection(
          Reason.NOTHING_PENDING,
          "server "
              + label
              + " has no live migration in progress"
              + (record.currentMoveId != null
                  ? " (it is busy with " + record.currentMoveType + " " + record.currentMoveId + ")"
                  : ""));
    }
    return record.currentMoveId;
  }

  private LiveMigrationWorkflow liveStub(String moveId) {
    return client.newWorkflowStub(LiveMigrationWorkflow.class, Names.moveWorkflowId(moveId));
  }

  /** Confirms the resize (or cold migration) that waits in VERIFY_RESIZE. */
  public MoveView confirmResize(String server) {
    return decide(server, true);
  }

  /** Reverts the resize (or cold migration) that waits in VERIFY_RESIZE. */
  public MoveView revertResize(String server) {
    return decide(server, false);
  }

  /**
   * Cancels the server's resize or cold migration (a workflow cancel, never a terminate) and
   * answers once it has ended: {@code cancelled} (compensated: back on its source, claim returned,
   * nothing left on the destination), {@code reverted} when it waited in VERIFY_RESIZE, or the
   * status it reached when it was already confirming or reverting. A live migration is aborted
   * instead.
   */
  public MoveView cancelMove(String server, Duration timeout) {
    InstanceRecord record = server(server);
    String label = record.name != null ? record.name : record.id;
    String moveId = record.currentMoveId;
    if (moveId == null) {
      throw new FerryRejection(
          Reason.NOTHING_PENDING, "server " + label + " has no move in progress");
    }
    if (record.currentMoveType == MoveType.LIVE_MIGRATION) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT,
          "server "
              + label
              + " is live-migrating: abort it with 'ferry live-migration abort "
              + label
              + "'");
    }
    if (record.currentMoveType == MoveType.EVACUATION) {
      throw new FerryRejection(
          Reason.INVALID_STATE,
          "server " + label + " is being evacuated from a failed host: an evacuation goes on");
    }
    call(
        "cancel move " + moveId + " of server " + label,
        () -> {
          client.newUntypedWorkflowStub(Names.moveWorkflowId(moveId)).cancel();
          return null;
        },
        () -> new FerryRejection(Reason.NOTHING_PENDING, "move " + moveId + " has ended"));
    return awaitMove(moveId, Set.of(), timeout);
  }

  /**
   * A move by server (its current move, else its last one) or by move id ({@code <uuid>} or {@code
   * move:<uuid>}).
   */
  public MoveView move(String serverOrMoveId) {
    if (serverOrMoveId == null || serverOrMoveId.isBlank()) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "a server or move id is required");
    }
    if (serverOrMoveId.startsWith("move:")) {
      return requireMove(stripMovePrefix(serverOrMoveId));
    }
    InstanceRecord record;
    try {
      record = server(serverOrMoveId);
    } catch (FerryRejection r) {
      if (r.reason() == Reason.UNKNOWN_INSTANCE && Names.isUuid(serverOrMoveId)) {
        MoveView view = moveView(serverOrMoveId);
        if (view != null) {
          return view;
        }
        throw new FerryRejection(
            Reason.UNKNOWN_INSTANCE,
            "no server or move '" + serverOrMoveId + "': see 'ferry server list'");
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
    return requireMove(moveId);
  }

  /** A workflow's whole history as Temporal's JSON (for replay tests and bug reports). */
  public String exportHistory(String workflowId) {
    return exportHistory(workflowId, null);
  }

  /**
   * One run's whole history as Temporal's JSON: {@code runId} names it (e.g. the run an entity
   * continued as new from); null or blank: the latest run.
   */
  public String exportHistory(String workflowId, String runId) {
    if (workflowId == null || workflowId.isBlank()) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "a workflow id is required");
    }
    if (runId != null && !runId.isBlank()) {
      String run = runId.strip();
      if (!Names.isUuid(run)) {
        throw new FerryRejection(
            Reason.INVALID_ARGUMENT, "'" + run + "' is not a run id (a run id is a UUID)");
      }
      return call(
          "export history of " + workflowId + " run " + run,
          () -> client.fetchHistory(workflowId, run).toJson(true),
          () -> {
            boolean workflowExists;
            try {
              exportHistory(workflowId, null);
              workflowExists = true;
            } catch (FerryRejection r) {
              workflowExists = false;
            }
            return new FerryRejection(
                Reason.INVALID_ARGUMENT,
                workflowExists
                    ? "workflow '"
                        + workflowId
                        + "' has no run '"
                        + run
                        + "' on Temporal at "
                        + target
                        + " (its latest run's first event names the run it continued from)"
                    : "no workflow '"
                        + workflowId
                        + "' on Temporal at "
                        + target
                        + " (ids look like host:<name>, instance:<uuid>, move:<uuid>)");
          });
    }
    return call(
        "export history of " + workflowId,
        () -> client.fetchHistory(workflowId).toJson(true),
        () ->
            new FerryRejection(
                Reason.INVALID_ARGUMENT,
                "no workflow '"
                    + workflowId
                    + "' on Temporal at "
                    + target
                    + " (ids look like host:<name>, instance:<uuid>, move:<uuid>)"));
  }

  // ---------------------------------------------------------------- internals: moves

  private String startMove(
      MoveType type, String server, String flavorName, String destHost, Duration confirmWindow) {
    InstanceRecord record = server(server);
    String label = record.name != null ? record.name : record.id;
    String verb = type == MoveType.RESIZE ? "resized" : "migrated";
    if (record.isBusy()) {
      throw new FerryRejection(
          Reason.INSTANCE_BUSY,
          "server "
              + label
              + " is busy with move "
              + record.currentMoveId
              + (record.currentMoveStatus != null ? " (" + record.currentMoveStatus + ")" : "")
              + ": wait for it, or see 'ferry migration show "
              + label
              + "'");
    }
    if (!MOVABLE.contains(record.vmState)) {
      throw new FerryRejection(
          Reason.INVALID_STATE,
          "server "
              + label
              + " is "
              + record.vmState
              + ": only ACTIVE or STOPPED servers can be "
              + verb);
    }
    Flavor flavor = record.flavor;
    if (type == MoveType.RESIZE) {
      flavor = Flavors.require(flavorName);
      if (record.flavor != null && flavor.name().equals(record.flavor.name())) {
        throw new FerryRejection(
            Reason.INVALID_ARGUMENT,
            "server " + label + " already has flavor " + flavor.name() + ": pick another flavor");
      }
    }
    if (flavor == null) {
      throw new FerryRejection(
          Reason.INVALID_STATE, "server " + label + " has no flavor on record: cannot place it");
    }
    Long windowSeconds = null;
    if (confirmWindow != null) {
      if (confirmWindow.isNegative()) {
        throw new FerryRejection(
            Reason.INVALID_ARGUMENT,
            "the confirm window cannot be negative (0 waits for the operator)");
      }
      windowSeconds = confirmWindow.toSeconds();
    }

    PlacementView view = placement();
    boolean sameHostAllowed =
        type == MoveType.RESIZE
            && view.settings() != null
            && view.settings().allowResizeToSameHost();
    Resources onOther = flavor.resources();
    Resources onSame = growth(record.flavor, flavor);
    if (destHost != null) {
      Names.requireValidName("host", destHost);
      HostUsage usage = findHost(view, destHost).orElseThrow(() -> unknownHost(destHost));
      boolean same = destHost.equals(record.host);
      if (same && !sameHostAllowed) {
        throw new FerryRejection(
            Reason.SAME_HOST,
            type == MoveType.RESIZE
                ? "server "
                    + label
                    + " is already on host "
                    + destHost
                    + " and resizing on the same host is not allowed"
                    + " (allowResizeToSameHost is off): pick another host or omit --host"
                : "server "
                    + label
                    + " is already on host "
                    + destHost
                    + ": pick another host or omit --host");
      }
      requireUsable(usage);
      Resources needed = same ? onSame : onOther;
      if (!fits(usage.free(), needed)) {
        throw new FerryRejection(
            Reason.INSUFFICIENT_CAPACITY,
            "host "
                + destHost
                + " has not enough free capacity for flavor "
                + flavor.name()
                + " (free "
                + format(usage.free())
                + ", needed "
                + format(needed)
                + "): pick another host or omit --host");
      }
    } else {
      boolean anyHost = false;
      for (HostUsage u : nullToEmpty(view.hosts())) {
        boolean same = u.host().name().equals(record.host);
        if (usable(u)
            && (same ? sameHostAllowed && fits(u.free(), onSame) : fits(u.free(), onOther))) {
          anyHost = true;
          break;
        }
      }
      if (!anyHost) {
        throw new FerryRejection(
            Reason.NO_VALID_HOST,
            "no host can take server "
                + label
                + " with flavor "
                + flavor.name()
                + ": every other host is down, disabled or full; see 'ferry host list'");
      }
    }

    String moveId = ids.get();
    MoveRequest request =
        new MoveRequest(
            moveId,
            type,
            record.id,
            destHost,
            type == MoveType.RESIZE ? flavor.name() : null,
            windowSeconds,
            user);
    call(
        "start " + (type == MoveType.RESIZE ? "resize" : "migration") + " of server " + label,
        () -> instanceStub(record.id).startMove(request),
        () -> unknownInstance(server));
    return moveId;
  }

  private MoveView decide(String server, boolean confirm) {
    InstanceRecord record = server(server);
    String label = record.name != null ? record.name : record.id;
    Supplier<FerryRejection> nothing =
        () ->
            new FerryRejection(
                Reason.NOTHING_PENDING, "server " + label + " has no resize awaiting confirmation");
    if (record.currentMoveId == null) {
      throw nothing.get();
    }
    if (record.currentMoveType != null
        && record.currentMoveType != MoveType.RESIZE
        && record.currentMoveType != MoveType.COLD_MIGRATION) {
      throw new FerryRejection(
          Reason.NOTHING_PENDING,
          "server "
              + label
              + " has no resize awaiting confirmation (it is busy with "
              + record.currentMoveType
              + " "
              + record.currentMoveId
              + ")");
    }
    ResizeWorkflow stub =
        client.newWorkflowStub(ResizeWorkflow.class, Names.moveWorkflowId(record.currentMoveId));
    return call(
        (confirm ? "confirm" : "revert") + " the resize of server " + label,
        () -> confirm ? stub.confirm(user) : stub.revert(user),
        nothing,
        SLOW_UPDATE_TIMEOUT);
  }

  private MoveView requireMove(String moveId) {
    MoveView view = moveView(moveId);
    if (view == null) {
      throw new FerryRejection(
          Reason.UNKNOWN_INSTANCE,
          "no move " + moveId + " on Temporal at " + target + " (its history may have expired)");
    }
    return view;
  }

  /** The move's status view; null when there is no such move workflow. */
  private MoveView moveView(String moveId) {
    String workflowId = Names.moveWorkflowId(moveId);
    try {
      return call(
          "query move " + moveId,
          () -> client.newUntypedWorkflowStub(workflowId).query("status", MoveView.class),
          () -> new FerryRejection(Reason.UNKNOWN_INSTANCE, "no move " + moveId));
    } catch (FerryRejection r) {
      if (r.reason() == Reason.UNKNOWN_INSTANCE) {
        return null;
      }
      throw r;
    }
  }

  // ---------------------------------------------------------------- internals: servers

  private InstanceRecord awaitBuilt(String id, String name, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      InstanceRecord record = instance(id, name);
      if (record.vmState == VmState.ERROR) {
        throw new FerryFailure(
            "server "
                + name
                + " ("
                + id
                + ") failed to build on host "
                + record.host
                + ": "
                + (record.lastError != null ? record.lastError : "no reason recorded")
                + "; delete it with 'ferry server delete "
                + name
                + "'");
      }
      if (record.vmState == VmState.DELETED && record.buildRefusal != null) {
        throw new FerryRejection(
            record.buildRefusal,
            "server "
                + name
                + " was not created: "
                + (record.lastError != null ? record.lastError : record.buildRefusal.name()));
      }
      if (record.vmState != VmState.BUILDING) {
        return record;
      }
      if (System.nanoTime() > deadline) {
        throw new FerryFailure(
            "server "
                + name
                + " ("
                + id
                + ") is still BUILDING after "
                + seconds(wait)
                + "; it goes on: follow it with 'ferry server show "
                + name
                + "'");
      }
      sleep(POLL);
    }
  }

  private InstanceRecord instance(String id, String asked) {
    return call(
        "query server " + asked, () -> instanceStub(id).get(), () -> unknownInstance(asked));
  }

  private String resolveInstanceId(String nameOrId) {
    if (nameOrId == null || nameOrId.isBlank()) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "a server name or id is required");
    }
    Map<String, String> index = nullToEmpty(placement().instances());
    if (index.containsKey(nameOrId)) {
      return nameOrId;
    }
    for (Map.Entry<String, String> e : index.entrySet()) {
      if (nameOrId.equals(e.getValue())) {
        return e.getKey();
      }
    }
    if (Names.isUuid(nameOrId)) {
      return nameOrId.toLowerCase(Locale.ROOT); // e.g. a deleted server, still queryable
    }
    throw unknownInstance(nameOrId);
  }

  private Void withdraw(String id) {
    placementStub().forgetInstance(id);
    return null;
  }

  // ---------------------------------------------------------------- internals: placement

  private static String pickHost(PlacementView view, Flavor flavor, String forWhat) {
    return nullToEmpty(view.hosts()).stream()
        .filter(FerryClient::usable)
        .filter(u -> fits(u.free(), flavor.resources()))
        .max(
            Comparator.comparingInt((HostUsage u) -> u.free().memoryMb())
                .thenComparing(u -> u.host().name(), Comparator.reverseOrder()))
        .map(u -> u.host().name())
        .orElseThrow(
            () ->
                new FerryRejection(
                    Reason.NO_VALID_HOST,
                    "no host can take "
                        + forWhat
                        + " with flavor "
                        + flavor.name()
                        + ": every host is down, disabled or full; see 'ferry host list'"));
  }

  private static Optional<HostUsage> findHost(PlacementView view, String name) {
    return nullToEmpty(view.hosts()).stream()
        .filter(u -> u.host() != null && name.equals(u.host().name()))
        .findFirst();
  }

  private static boolean usable(HostUsage u) {
    HostSummary h = u.host();
    return h.status() == dev.ferry.model.HostStatus.UP && h.enabled() && !h.forcedDown();
  }

  private static void requireUsable(HostUsage u) {
    HostSummary h = u.host();
    if (h.forcedDown()) {
      throw new FerryRejection(
          Reason.HOST_UNAVAILABLE,
          "host " + h.name() + " is forced down: pick another host, or 'ferry host set-up' it");
    }
    if (h.status() != dev.ferry.model.HostStatus.UP) {
      throw new FerryRejection(
          Reason.HOST_UNAVAILABLE,
          "host " + h.name() + " is DOWN (its agent is not running): pick another host");
    }
    if (!h.enabled()) {
      throw new FerryRejection(
          Reason.HOST_UNAVAILABLE,
          "host "
              + h.name()
              + " is disabled: pick another host, or 'ferry host enable "
              + h.name()
              + "'");
    }
  }

  static boolean fits(Resources free, Resources needed) {
    return free != null
        && needed.vcpus() <= free.vcpus()
        && needed.memoryMb() <= free.memoryMb()
        && needed.diskGb() <= free.diskGb();
  }

  /** What a same-host resize needs on top of what the instance already holds. */
  private static Resources growth(Flavor from, Flavor to) {
    if (from == null) {
      return to.resources();
    }
    return new Resources(
        Math.max(0, to.vcpus() - from.vcpus()),
        Math.max(0, to.memoryMb() - from.memoryMb()),
        Math.max(0, to.diskGb() - from.diskGb()));
  }

  private static String format(Resources r) {
    return r.vcpus() + " vCPU, " + r.memoryMb() + " MB, " + r.diskGb() + " GB";
  }

  private static HostRecord fromSummary(HostSummary s) {
    HostRecord r = new HostRecord();
    r.name = s.name();
    r.status = s.status();
    r.enabled = s.enabled();
    r.forcedDown = s.forcedDown();
    r.inventory = s.inventory();
    return r;
  }

  // ---------------------------------------------------------------- internals: stubs, calls

  private PlacementWorkflow placementStub() {
    return client.newWorkflowStub(PlacementWorkflow.class, Names.PLACEMENT_WORKFLOW_ID);
  }

  private HostWorkflow hostStub(String name) {
    return client.newWorkflowStub(HostWorkflow.class, Names.hostWorkflowId(name));
  }

  private InstanceWorkflow instanceStub(String id) {
    return client.newWorkflowStub(InstanceWorkflow.class, Names.instanceWorkflowId(id));
  }

  private FerryRejection placementMissing() {
    return new FerryRejection(
        Reason.UNREACHABLE,
        "Ferry's placement (workflow "
            + Names.PLACEMENT_WORKFLOW_ID
            + ") does not exist on Temporal at "
            + target
            + ": start the Ferry conductor (see README)");
  }

  private static FerryRejection unknownHost(String name) {
    return new FerryRejection(
        Reason.UNKNOWN_HOST, "unknown host '" + name + "': see 'ferry host list'");
  }

  private static FerryRejection unknownInstance(String nameOrId) {
    return new FerryRejection(
        Reason.UNKNOWN_INSTANCE, "unknown server '" + nameOrId + "': see 'ferry server list'");
  }

  private static FerryRejection unreachable(String target, String cause) {
    return new FerryRejection(
        Reason.UNREACHABLE,
        "cannot reach Temporal at "
            + target
            + ": "
            + cause
            + "; start the engine (see README) or pass --target");
  }

  /**
   * Runs one Temporal call with the client's deadline and turns its failure into a rejection or a
   * failure with a clear message.
   *
   * @param notFound what a missing workflow means here; null: a plain failure
   */
  private <T> T call(String what, Callable<T> body, Supplier<FerryRejection> notFound) {
    return call(what, body, notFound, callTimeout);
  }

  /** As above, for an update whose handler does slow work (e.g. on a host): a longer deadline. */
  private <T> T call(
      String what, Callable<T> body, Supplier<FerryRejection> notFound, Duration minimum) {
    Duration timeout = minimum.compareTo(callTimeout) > 0 ? minimum : callTimeout;
    Future<T> future = calls.submit(body);
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new FerryFailure(
          what
              + ": no answer from Temporal at "
              + target
              + " within "
              + seconds(timeout)
              + ": is the Ferry conductor running? (a request it already accepted goes on)");
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new FerryFailure(what + ": interrupted", e);
    } catch (ExecutionException e) {
      throw translate(what, e.getCause(), notFound);
    }
  }

  private RuntimeException translate(String what, Throwable t, Supplier<FerryRejection> notFound) {
    Optional<FerryRejection> rejection = Rejections.find(t);
    if (rejection.isPresent()) {
      return rejection.get();
    }
    if (t instanceof FerryFailure f) {
      return f;
    }
    if (notFound != null && isNotFound(t)) {
      return notFound.get();
    }
    StatusRuntimeException status = find(t, StatusRuntimeException.class);
    if (status != null && status.getStatus().getCode() == Status.Code.UNAVAILABLE) {
      return unreachable(target, describe(status));
    }
    if (status != null && status.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
      return new FerryFailure(
          what + ": Temporal at " + target + " did not answer in time; is the conductor running?",
          t);
    }
    return new FerryFailure(what + " failed: " + rootMessage(t), t);
  }

  private static boolean isNotFound(Throwable t) {
    if (find(t, WorkflowNotFoundException.class) != null) {
      return true;
    }
    StatusRuntimeException s = find(t, StatusRuntimeException.class);
    return s != null && s.getStatus().getCode() == Status.Code.NOT_FOUND;
  }

  private static <X extends Throwable> X find(Throwable t, Class<X> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  /** The most specific message in a failure chain. */
  static String rootMessage(Throwable t) {
    String message = null;
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c instanceof ApplicationFailure af ? af.getOriginalMessage() : c.getMessage();
      if (c instanceof StatusRuntimeException s) {
        m = describe(s);
      }
      if (m != null && !m.isBlank()) {
        message = m;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return message != null ? message : t.getClass().getSimpleName();
  }

  private static String messageOf(Throwable t) {
    return t instanceof FerryRejection || t instanceof FerryFailure
        ? t.getMessage()
        : rootMessage(t);
  }

  private static String describe(StatusRuntimeException e) {
    StringBuilder b = new StringBuilder(e.getStatus().getCode().name());
    if (e.getStatus().getDescription() != null) {
      b.append(": ").append(e.getStatus().getDescription());
    }
    Throwable cause = e.getCause();
    if (cause != null && cause.getMessage() != null) {
      b.append(" (").append(cause.getMessage()).append(')');
    }
    return b.toString();
  }

  /** {@code pre-migrating}, {@code PRE_MIGRATING} and {@code Pre_Migrating} are one status. */
  public static String normalizeStatus(String status) {
    return status == null ? "" : status.trim().toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static String stripMovePrefix(String moveId) {
    if (moveId == null || moveId.isBlank()) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "a move id is required");
    }
    return moveId.startsWith("move:") ? moveId.substring("move:".length()) : moveId;
  }

  private static Duration requirePositive(Duration d, String what) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "the " + what + " must be positive");
    }
    return d;
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FerryFailure("interrupted while waiting", e);
    }
  }

  private static <T> Collection<T> nullToEmpty(Collection<T> c) {
    return c == null ? List.of() : c;
  }

  private static <K, V> Map<K, V> nullToEmpty(Map<K, V> m) {
    return m == null ? Map.of() : m;
  }

  /** Last entry of a server's move history, if any (for callers rendering a record). */
  public static Optional<MoveSummary> lastMove(InstanceRecord record) {
    return record.moves == null || record.moves.isEmpty()
        ? Optional.empty()
        : Optional.of(record.moves.get(record.moves.size() - 1));
  }
}
