package dev.ferry.client;

import static dev.ferry.client.ClientContext.seconds;
import static dev.ferry.client.ClientContext.unknownInstance;
import static dev.ferry.client.Inputs.nullToEmpty;
import static dev.ferry.client.Inputs.requirePositive;

import dev.ferry.instance.AdoptionWorkflow;
import dev.ferry.instance.InstanceWorkflow;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavor;
import dev.ferry.model.Flavors;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveSummary;
import dev.ferry.model.Names;
import dev.ferry.model.PlacementView;
import dev.ferry.model.VmState;
import dev.ferry.placement.Admission;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Servers ({@code ferry server ...}): create and wait until built, list, look up by name or id,
 * adopt an existing domain, delete. Obtained from {@link FerryClient#servers()}.
 */
public final class ServersClient {
  public static final Duration DEFAULT_BUILD_TIMEOUT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_ADOPT_TIMEOUT = Duration.ofMinutes(2);

  private final ClientContext ctx;
  private final HostsClient hosts;
  private final ResizeDecisions decisions;

  ServersClient(ClientContext ctx, HostsClient hosts, ResizeDecisions decisions) {
    this.ctx = ctx;
    this.hosts = hosts;
    this.decisions = decisions;
  }

  /**
   * Creates a server and waits until it is built.
   *
   * @param host null lets Ferry pick: an alive, enabled host with room and the most free memory
   * @throws FerryRejection bad input or a placement refusal (name taken, host unknown, down,
   *     disabled or full): nothing was created
   * @throws FerryFailure the build ended in ERROR ({@link WaitTimedOut}: it did not end within
   *     {@code timeout})
   */
  public InstanceRecord create(String name, String flavorName, String host, Duration timeout) {
    return create(name, flavorName, host, timeout, 0, false);
  }

  /**
   * Creates a server with a root disk: a qcow2 of {@code diskSizeMb} MiB that the host's agent
   * creates in its local instances directory, or in its shared one when {@code sharedDisk}.
   *
   * @param diskSizeMb 0 for no disk
   */
  public InstanceRecord create(
      String name,
      String flavorName,
      String host,
      Duration timeout,
      long diskSizeMb,
      boolean sharedDisk) {
    return create(name, flavorName, host, timeout, diskSizeMb, sharedDisk, null);
  }

  /**
   * As above, with the root disk made from {@code image}, a base image in the chosen host's image
   * store (a full copy, of the image's size unless {@code diskSizeMb} asks for more). An image the
   * host does not have is refused (UNKNOWN_IMAGE) before anything is created.
   *
   * @param image null for a blank disk
   */
  public InstanceRecord create(
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
    ServerRefs.requireName(name);
    Flavor flavor = Flavors.require(flavorName);
    if (diskSizeMb > flavor.diskGb() * 1024L) {
      // Nova sizes an image-backed root disk by the flavor: a larger one would claim less than it
      // takes on the host.
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT,
          "a root disk of "
              + diskSizeMb
              + " MiB does not fit flavor "
              + flavor.name()
              + "'s "
              + flavor.diskGb()
              + " GB: pick a larger flavor or a smaller --disk-size");
    }
    Duration wait = timeout == null ? DEFAULT_BUILD_TIMEOUT : requirePositive(timeout, "timeout");
    String chosen =
        host != null
            ? Names.requireValidName("host", host)
            : PlacementRules.pickHost(hosts.placement(), flavor, "server " + name);
    String id = ctx.newId();
    ctx.call(
        "admit server " + name,
        () -> ctx.placementStub().admit(new Admission(id, name, chosen, flavor.resources(), false)),
        ctx::placementMissing);

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
          ctx.client.newWorkflowStub(
              InstanceWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(Names.instanceWorkflowId(id))
                  .setTaskQueue(Names.CONDUCTOR_QUEUE)
                  .setStaticSummary(
                      "server " + name + " (" + flavor.name() + "), created on " + chosen)
                  .build());
      ctx.call("start server " + name, () -> WorkflowClient.start(stub::run, record), null);
    } catch (RuntimeException e) {
      // Give the name and the capacity back: the instance never existed.
      try {
        ctx.call("withdraw admission of " + name, () -> withdraw(id), null);
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new FerryFailure(
          "could not start server "
              + name
              + ": "
              + Failures.messageOf(e)
              + " (its admission was withdrawn)",
          e);
    }
    return awaitBuilt(id, name, wait);
  }

  /** Every server in placement's index, sorted by name; deleted ones are left out. */
  public List<InstanceRecord> list() {
    PlacementView view = hosts.placement();
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
  public InstanceRecord get(String nameOrId) {
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
    if (ServerRefs.looksLikeId(domainName)) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT,
          "domain '"
              + domainName
              + "' is named like a server id (a UUID), and an adopted server takes its domain's"
              + " name: rename the domain first (virsh domrename)");
    }
    Duration wait = timeout == null ? DEFAULT_ADOPT_TIMEOUT : requirePositive(timeout, "timeout");
    String workflowId = "adopt:" + host + ":" + domainName;
    AdoptionWorkflow stub =
        ctx.client.newWorkflowStub(
            AdoptionWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(Names.CONDUCTOR_QUEUE)
                // a second `adopt` of the same domain while the first runs joins it
                .setWorkflowIdConflictPolicy(
                    WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .setStaticSummary("adopt domain " + domainName + " on host " + host)
                .build());
    ctx.call(
        "start adoption " + workflowId,
        () -> WorkflowClient.start(stub::adopt, host, domainName),
        null);
    String what = "adoption of domain " + domainName + " on host " + host;
    try {
      return WorkflowStub.fromTyped(stub)
          .getResult(wait.toMillis(), TimeUnit.MILLISECONDS, String.class);
    } catch (TimeoutException e) {
      throw new WaitTimedOut(
          what
              + " is still running after "
              + seconds(wait)
              + "; it goes on: follow workflow "
              + workflowId);
    } catch (RuntimeException e) {
      throw ctx.translate(what, e, null);
    }
  }

  /**
   * Deletes a server: its domain, its claim and its name. A server in VERIFY_RESIZE has its resize
   * (or cold migration) confirmed first, as Nova does: the copy on the destination is the one
   * deleted, and the source's is cleaned up by the confirm.
   *
   * @throws FerryRejection INSTANCE_BUSY while any other move runs: nothing changed
   */
  public ServerDeletion delete(String nameOrId) {
    InstanceRecord record = get(nameOrId);
    MoveSummary settled = null;
    if (ResizeDecisions.inVerifyResize(record)) {
      String moveId = record.currentMoveId;
      try {
        decisions.decide(record, true, null);
      } catch (FerryRejection r) {
        if (r.reason() != Reason.NOTHING_PENDING) {
          throw r;
        }
        // decided meanwhile (auto-confirm, or another caller): it ends by itself
      }
      record = decisions.awaitReleased(record, moveId, ClientContext.SLOW_UPDATE_TIMEOUT);
      settled =
          nullToEmpty(record.moves).stream()
              .filter(m -> moveId.equals(m.moveId()))
              .findFirst()
              .orElse(new MoveSummary(moveId, null, null, null, "ended", 0, 0));
    }
    String id = record.id;
    InstanceRecord deleted =
        ctx.call(
            "delete server " + nameOrId,
            () -> ctx.instanceStub(id).delete(),
            () -> unknownInstance(nameOrId),
            ClientContext.SLOW_UPDATE_TIMEOUT);
    return new ServerDeletion(deleted, settled);
  }

  /** Last entry of a server's move history, if any (for callers rendering a record). */
  public static Optional<MoveSummary> lastMove(InstanceRecord record) {
    return record.moves == null || record.moves.isEmpty()
        ? Optional.empty()
        : Optional.of(record.moves.get(record.moves.size() - 1));
  }

  // ---------------------------------------------------------------- internals

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
        throw new WaitTimedOut(
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
      ClientContext.sleep(ClientContext.POLL);
    }
  }

  /** A server's record by instance id; null when it cannot be read (gone, unknown, no answer). */
  InstanceRecord readable(String instanceId) {
    try {
      return instance(instanceId, instanceId);
    } catch (FerryRejection | FerryFailure e) {
      return null;
    }
  }

  private InstanceRecord instance(String id, String asked) {
    return ctx.call(
        "query server " + asked, () -> ctx.instanceStub(id).get(), () -> unknownInstance(asked));
  }

  private String resolveInstanceId(String nameOrId) {
    if (nameOrId == null || nameOrId.isBlank()) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "a server name or id is required");
    }
    return ServerRefs.resolve(nullToEmpty(hosts.placement().instances()), nameOrId);
  }

  private Void withdraw(String id) {
    ctx.placementStub().forgetInstance(id);
    return null;
  }
}
