package dev.ferry.evacuate;

import static dev.ferry.evacuate.EvacuationEvent.FAILED;
import static dev.ferry.evacuate.EvacuationEvent.FENCED;
import static dev.ferry.evacuate.EvacuationEvent.REBUILT;
import static dev.ferry.evacuate.EvacuationEvent.REFUSED;

import dev.ferry.model.BaseImage;
import dev.ferry.model.Claim;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.DomainSpec;
import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostRecord;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveOutcome;
import dev.ferry.model.MoveProgress;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import dev.ferry.model.RootDisk;
import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;
import dev.ferry.move.ActivityFailures;
import dev.ferry.move.ConductorCalls;
import dev.ferry.move.HostCallOptions;
import dev.ferry.move.HostCalls;
import dev.ferry.move.HostUnreachableException;
import dev.ferry.move.InstanceChannel;
import dev.ferry.move.MoveInput;
import dev.ferry.move.MoveStepException;
import dev.ferry.move.MoveView;
import dev.ferry.move.WebUiTexts;
import dev.ferry.statemachine.StateMachine;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Saga;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An evacuation, Nova's way: the instance's host failed; {@code accepted → pre-migrating → done},
 * or {@code failed} (refused, nothing touched) / {@code error} (rebuild failed, compensated).
 *
 * <ol>
 *   <li>ACCEPTED: refuse what cannot work before touching anything: the source must be DOWN or
 *       forced down (else HOST_IN_USE, Nova's ComputeServiceInUse); then FENCE it from the
 *       conductor. A fencing failure ends the move in {@code failed}: nothing is rebuilt.
 *   <li>PRE_MIGRATING: claim a destination (never the source), rebuild there from the instance
 *       RECORD (its migratable XML; never read from the dead host) with epoch + 1: a shared disk is
 *       reused; a host-local disk cannot be, so a new root disk is made on the destination as a
 *       copy of the recorded base image from the destination's image store (Nova's rebuild from
 *       image_ref) and the move says the local data is lost. A destination without that image is
 *       refused: a named one before fencing, a placed one before anything is made there. Start it
 *       unless the instance was STOPPED.
 *   <li>DONE: the stale copy goes on the source's cleanup list (REMOVE_STALE_DOMAIN up to the old
 *       epoch: the domain only, never a disk); the claim is swapped to the instance (which releases
 *       the old host's claim). The instance is told, which releases its lock. Its agent destroys
 *       the stale copy on return, before serving, and records the evacuation {@code completed}.
 * </ol>
 *
 * Compensation (idempotent) removes only what this move created: the destination copy carrying the
 * new epoch, the new disk made from the base image, and the claim. Nothing of the source is ever
 * touched.
 */
public class EvacuationWorkflowImpl implements EvacuationWorkflow {

  private static final String SYSTEM = "ferry";

  private final HostCalls hosts;
  private final StateMachine<EvacuationStatus, EvacuationEvent> machine =
      new StateMachine<>(EvacuationStateTable.TABLE, Workflow::currentTimeMillis);
  private final List<String> errors = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  private MoveRequest request;
  private InstanceRecord record;
  private InstanceChannel channel;
  private String source;
  private String dest;
  private long newEpoch;
  private boolean wasStopped;
  private String fencingSummary;
  private String fenceMethod;
  private String disk = "none";
  private boolean localDataLost;

  /** The destination copy this move defined may exist: compensation looks, then removes it. */
  private boolean destDefined;

  private String destXml;

  /**
   * The new host-local disk made on the destination from the base image: this move's own (the
   * activity replaces whatever was at that path, or refuses when a domain uses it), so compensation
   * deletes it.
   */
  private String newDiskPath;

  private PowerState destPower = PowerState.NOSTATE;

  public EvacuationWorkflowImpl() {
    this(HostCallOptions.SCHEDULE_TO_START);
  }

  /** For tests (a worker's implementation factory): a dead destination is found out faster. */
  EvacuationWorkflowImpl(Duration hostScheduleToStart) {
    this.hosts = new HostCalls(hostScheduleToStart, HostCalls.Refusals.AS_STEP_FAILURE);
  }

  @Override
  public MoveView run(MoveInput input) {
    begin(input);
    if (checkAndFence()) {
      rebuild();
    }
    channel.closed(outcome());
    Workflow.await(Workflow::isEveryHandlerFinished);
    return status();
  }

  private void begin(MoveInput input) {
    request = input.request();
    record = input.instance();
    channel = new InstanceChannel(input);
    hosts.forServer(record.name);
    source = record.host;
    newEpoch = record.epoch + 1;
    wasStopped = record.vmState == VmState.STOPPED;
    announce();
  }

  // ---- ACCEPTED: refusals, then fencing ------------------------------------------------------

  /** True when fenced (PRE_MIGRATING); false when refused (FAILED, nothing touched). */
  private boolean checkAndFence() {
    try {
      refuseWhatCannotWork();
      HostRecord host = sourceRecord();
      if (host.isAlive()) {
        throw new FerryRejection(
            Reason.HOST_IN_USE,
            "host "
                + source
                + " is UP and not forced down: evacuation is only for a failed host (Nova's"
                + " ComputeServiceInUse). If it has failed, force it down first ('ferry host"
                + " set-down "
                + source
                + "'); to move instances off a running host, live-migrate them ('ferry host"
                + " drain "
                + source
                + "')");
      }
      refuseNamedDestinationWithoutImage();
      FenceResult fenced = fence(host);
      fenceMethod = fenced.method();
      fencingSummary = fenced.summary();
      fire(FENCED, actor() + " via " + fenced.method());
      return true;
    } catch (FerryRejection r) {
      noteError(r.reason() + ": " + r.getMessage());
      fire(REFUSED, SYSTEM);
      return false;
    }
  }

  private void refuseWhatCannotWork() {
    if (record.flavor == null) {
      throw new FerryRejection(
          Reason.INVALID_STATE, "instance " + record.name + " has no flavor: cannot place it");
    }
    if (source.equals(request.destHost())) {
      throw new FerryRejection(
          Reason.SAME_HOST,
          record.name + " is on " + source + ": an evacuation rebuilds it on another host");
    }
    if (hasLocalDisk() && (record.baseImage == null || record.baseImage.isBlank())) {
      throw new FerryRejection(
          Reason.INVALID_STATE,
          "cannot evacuate "
              + record.name
              + ": its disk "
              + record.diskPath
              + " is not on shared storage and no base image is recorded to rebuild it from");
    }
  }

  /**
   * A host-local disk is rebuilt from the base image of the destination's image store: a named
   * destination that lacks it is refused here, before the source is fenced. (A destination
   * placement picks is looked at once claimed; the copy itself refuses too.)
   */
  private void refuseNamedDestinationWithoutImage() {
    String named = request.destHost();
    if (!hasLocalDisk() || named == null) {
      return;
    }
    BaseImage image;
    try {
      image =
          hosts.disk(named, "look for image " + record.baseImage, d -> d.findImage(imageName()));
    } catch (MoveStepException e) {
      throw new FerryRejection(
          Reason.UNREACHABLE,
          "cannot ask "
              + named
              + " for base image "
              + record.baseImage
              + " to rebuild "
              + record.name
              + "'s host-local disk: "
              + e.getMessage());
    }
    if (image == null) {
      throw missingImage(named);
    }
  }

  private FerryRejection missingImage(String host) {
    return new FerryRejection(
        Reason.UNKNOWN_IMAGE,
        "host "
            + host
            + " has no base image "
            + record.baseImage
            + " in its image store: "
            + record.name
            + "'s host-local disk "
            + record.diskPath
            + " can only be rebuilt from that image; add it to "
            + host
            + "'s image store or evacuate to a host that has it");
  }

  private String imageName() {
    return record.baseImage;
  }

  private HostRecord sourceRecord() {
    try {
      return ConductorCalls.summarized("read host " + source + "'s record")
          .hostRecords()
          .get(source);
    } catch (ActivityFailure f) {
      throw FerryRejection.from(f)
          .orElseGet(
              () ->
                  new FerryRejection(
                      Reason.UNREACHABLE,
                      "cannot read host " + source + "'s record: " + ActivityFailures.message(f)));
    }
  }

  /** Fencing runs on the conductor, never on the dead host's queue. No rebuild without it. */
  private FenceResult fence(HostRecord host) {
    String method = request.fenceMethod();
    try {
      return ConductorCalls.fencing(WebUiTexts.fence(source, method))
          .fence(new FenceRequest(source, record.id, method, actor(), host.libvirtUri));
    } catch (ActivityFailure f) {
      throw new FerryRejection(
          Reason.UNREACHABLE,
          "fencing host "
              + source
              + (method != null ? " by " + method : "")
              + " failed, so "
              + record.name
              + " was not rebuilt: "
              + ActivityFailures.message(f)
              + " (if the host is powered off, say so with --fence "
              + FenceMethods.CONFIRMED_OFF
              + ")");
    }
  }

  // ---- PRE_MIGRATING: claim, rebuild, hand over ----------------------------------------------

  private void rebuild() {
    Saga saga =
        new Saga(
            new Saga.Options.Builder()
                .setParallelCompensation(false)
                .setContinueWithError(true)
                .build());
    try {
      claimDestination(saga);
      defineAtDestination(saga);
      if (!wasStopped) {
        DomainView on = hosts.hypervisor(dest, "power on", h -> h.powerOn(record.id));
        observe(on);
      }
      handOver();
      fire(REBUILT, SYSTEM);
    } catch (MoveStepException | FerryRejection e) {
      noteError(
          e instanceof FerryRejection r ? r.reason() + ": " + r.getMessage() : e.getMessage());
      saga.compensate(); // each compensation handles its own failures
      fire(FAILED, SYSTEM);
    }
  }

  private void claimDestination(Saga saga) {
    saga.addCompensation(this::releaseClaimQuietly);
    Claim claim =
        ConductorCalls.get(
            "claim " + record.flavor.name() + " for " + moveConsumer(),
            c ->
                c.placement()
                    .claim(
                        new ClaimRequest(
                            moveConsumer(),
                            record.flavor.resources(),
                            request.destHost(),
                            List.of(source))));
    dest = claim.host();
    if (source.equals(dest)) {
      throw new MoveStepException("placement chose the failed host " + source + " for " + what());
    }
    announce();
  }

  /** Look before defining: never start a second running copy, never replace one silently. */
  private void defineAtDestination(Saga saga) {
    DomainView there = hosts.hypervisor(dest, "inspect", h -> h.inspect(record.id));
    if (there.exists() && there.powerState() == PowerState.RUNNING) {
      throw new MoveStepException(
          "a copy of "
              + record.name
              + " already runs on "
              + dest
              + " (epoch "
              + there.epoch()
              + "): not rebuilding a second one");
    }
    if (there.exists()) {
      notes.add(
          "replaced a stopped leftover definition of "
              + record.name
              + " on "
              + dest
              + " (epoch "
              + there.epoch()
              + ")");
    }
    if (record.diskPath == null || record.diskPath.isBlank()) {
      disk = "none";
    } else if (record.sharedStorage) {
      disk = "shared";
      notes.add("reused the shared disk " + record.diskPath);
    } else {
      rebuildDiskFromImage(saga);
    }
    saga.addCompensation(this::removeDestinationCopy);
    destDefined = true;
    DomainSpec spec =
        new DomainSpec(
            record.id,
            record.name,
            record.flavor,
            newEpoch,
            record.domainXml,
            newDiskPath != null ? newDiskPath : record.diskPath,
            record.baseImage);
    observe(hosts.hypervisor(dest, "define", h -> h.define(spec)));
  }

  /**
   * A host-local disk died with its host: the destination makes a new one from the recorded base
   * image (a full copy from its own image store), of the recorded size. Whatever the guest wrote
   * after it was created is gone, and the move says so.
   */
  private void rebuildDiskFromImage(Saga saga) {
    disk = "rebuilt-from-base-image";
    if (request.destHost() == null) {
      BaseImage there =
          hosts.disk(dest, "look for image " + record.baseImage, d -> d.findImage(imageName()));
      if (there == null) {
        throw missingImage(dest);
      }
    }
    long sizeMb = Math.max(0, record.diskSizeMb); // 0: the image's own size
    RootDisk made =
        hosts.disk(
            dest,
            "make a disk from image " + record.baseImage,
            d -> d.createDiskFromImage(record.id, imageName(), sizeMb, false));
    // Registered once the disk exists: a failed copy deletes its own partial volume.
    newDiskPath = made.path();
    saga.addCompensation(this::deleteNewDisk);
    localDataLost = true;
    noteError(
        "local data of "
            + record.name
            + " is lost: its disk "
            + record.diskPath
            + " was local to "
            + source
            + " (left there, never deleted by Ferry); rebuilt on "
            + dest
            + " on a new disk "
            + newDiskPath
            + " ("
            + made.sizeMb()
            + " MiB) made from base image "
            + record.baseImage
            + " ("
            + made.image().path()
            + " on "
            + dest
            + "), a full copy of the image");
  }

  /**
   * The stale copy goes on the source's cleanup list (domain only: a shared disk is the live
   * instance's disk, Nova LP#1550919), then the claim follows the instance. Neither failure undoes
   * a running rebuild: the agent's start-up reconcile also removes copies the record calls stale,
   * and placement's reconcile looks after claims.
   */
  private void handOver() {
    CleanupItem stale =
        new CleanupItem(
            "evacuation:" + request.moveId(),
            CleanupItem.Kind.REMOVE_STALE_DOMAIN,
            record.id,
            record.epoch,
            null,
            "stale copy of " + record.name + " evacuated to " + dest + " by " + what(),
            request.moveId());
    try {
      ConductorCalls.run(
          "add cleanup on " + source, c -> c.hostRecords().addCleanup(source, stale));
      notes.add(
          "stale copy (epoch <= "
              + record.epoch
              + ") is on "
              + source
              + "'s cleanup list: destroyed when its agent returns");
    } catch (MoveStepException e) {
      noteError(e.getMessage());
    }
    try {
      ConductorCalls.run(
          "swap the claim", c -> c.placement().swap(moveConsumer(), instanceConsumer()));
    } catch (MoveStepException e) {
      noteError(e.getMessage());
    }
  }

  // ---- compensations (idempotent; each handles its own failure) ------------------------------

  /** Removes the destination copy only if it is the one this move defined (its new epoch). */
  private void removeDestinationCopy() {
    if (!destDefined) {
      return;
    }
    try {
      DomainView there = hosts.hypervisor(dest, "inspect", h -> h.inspect(record.id));
      if (!there.exists()) {
        return;
      }
      if (there.epoch() != newEpoch) {
        notes.add(
            "kept the copy on "
                + dest
                + ": it carries epoch "
                + there.epoch()
                + ", not this move's "
                + newEpoch);
        return;
      }
      hosts.hypervisor(dest, "remove the new copy", h -> h.remove(record.id, newEpoch));
      notes.add("removed the copy this move defined on " + dest);
    } catch (HostUnreachableException e) {
      noteError(e.getMessage());
      owe(dest, newEpoch, "left by failed " + what());
    } catch (MoveStepException e) {
      noteError(e.getMessage());
    }
  }

  /**
   * Deletes the disk this move made from the base image, after its domain went (a disk a domain
   * still uses is refused by the agent and stays, said so).
   */
  private void deleteNewDisk() {
    try {
      boolean deleted = hosts.disk(dest, "delete the new disk", d -> d.deleteDisk(newDiskPath));
      notes.add(
          (deleted ? "deleted the new disk " : "the new disk was already gone: ")
              + newDiskPath
              + " on "
              + dest);
    } catch (MoveStepException e) {
      noteError(e.getMessage() + " (the new disk " + newDiskPath + " is left on " + dest + ")");
    }
  }

  private void releaseClaimQuietly() {
    try {
      ConductorCalls.run("release the claim", c -> c.placement().release(moveConsumer()));
    } catch (MoveStepException e) {
      noteError(e.getMessage());
    }
  }

  private void owe(String host, long epochAtMost, String reason) {
    CleanupItem item =
        new CleanupItem(
            moveConsumer() + ":" + host,
            CleanupItem.Kind.REMOVE_STALE_DOMAIN,
            record.id,
            epochAtMost,
            null,
            reason);
    try {
      ConductorCalls.run("add cleanup on " + host, c -> c.hostRecords().addCleanup(host, item));
    } catch (MoveStepException e) {
      noteError(e.getMessage());
    }
  }

  // ---- the end -------------------------------------------------------------------------------

  private MoveOutcome outcome() {
    EvacuationStatus status = machine.state();
    String error = errors.isEmpty() ? null : String.join("; ", errors);
    return switch (status) {
      case DONE ->
          new MoveOutcome(
              request.moveId(),
              status.novaName(),
              true,
              dest,
              record.flavor,
              newEpoch,
              destXml != null ? destXml : record.domainXml,
              wasStopped ? VmState.STOPPED : VmState.ACTIVE,
              destPower,
              error,
              source,
              dest != null ? dest : request.destHost());
      // Refused: the record stays as it was (its lastError says why).
      case FAILED ->
          new MoveOutcome(
              request.moveId(),
              status.novaName(),
              false,
              source,
              record.flavor,
              record.epoch,
              record.domainXml,
              record.vmState,
              record.powerState,
              error,
              source,
              dest != null ? dest : request.destHost());
      // Fenced, not rebuilt: it runs nowhere. ERROR, still on the failed host; evacuate again.
      default ->
          new MoveOutcome(
              request.moveId(),
              status.novaName(),
              false,
              source,
              record.flavor,
              record.epoch,
              record.domainXml,
              VmState.ERROR,
              PowerState.NOSTATE,
              error,
              source,
              dest != null ? dest : request.destHost());
    };
  }

  private void fire(EvacuationEvent event, String actor) {
    machine.fire(event, actor);
    announce();
  }

  /** Every status change: search attributes, UI details, and the instance's vm/task state. */
  private void announce() {
    String details =
        machine.state().novaName()
            + ": evacuate "
            + record.name
            + " from "
            + source
            + (dest == null ? "" : " → " + dest);
    MoveOutcome end = machine.isFinal() ? outcome() : null;
    MoveProgress progress =
        new MoveProgress(
            request.moveId(),
            machine.state().novaName(),
            end != null ? end.vmState() : record.vmState,
            end != null ? TaskState.NONE : TaskState.REBUILDING,
            end != null ? end.powerState() : record.powerState);
    channel.announce(request.type(), source, dest, details, progress);
  }

  @Override
  public MoveView status() {
    return MoveView.of(request, record, source, dest, machine.state().novaName(), machine, errors);
  }

  @Override
  public EvacuationDetails details() {
    return new EvacuationDetails(
        fenceMethod, fencingSummary, disk, localDataLost, newEpoch, List.copyOf(notes));
  }

  // ---- small helpers -------------------------------------------------------------------------

  private void observe(DomainView view) {
    if (view == null || !view.exists()) {
      return;
    }
    destPower = view.powerState();
    if (view.inactiveXml() != null) {
      destXml = view.inactiveXml();
    }
  }

  private boolean hasLocalDisk() {
    return record.diskPath != null && !record.diskPath.isBlank() && !record.sharedStorage;
  }

  private String actor() {
    return request.requestedBy() == null || request.requestedBy().isBlank()
        ? "unknown"
        : request.requestedBy();
  }

  private String what() {
    return "evacuation " + moveConsumer();
  }

  private String moveConsumer() {
    return Names.moveWorkflowId(request.moveId());
  }

  private String instanceConsumer() {
    return Names.instanceWorkflowId(record.id);
  }

  private void noteError(String message) {
    errors.add(message);
  }
}
