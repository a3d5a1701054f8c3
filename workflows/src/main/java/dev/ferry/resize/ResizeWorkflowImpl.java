package dev.ferry.resize;

import static dev.ferry.resize.ResizeEvent.CANCEL;
import static dev.ferry.resize.ResizeEvent.CONFIRM;
import static dev.ferry.resize.ResizeEvent.CONFIRM_DONE;
import static dev.ferry.resize.ResizeEvent.FAILED;
import static dev.ferry.resize.ResizeEvent.FINISHED_AT_DEST;
import static dev.ferry.resize.ResizeEvent.MIGRATED;
import static dev.ferry.resize.ResizeEvent.PREPARED;
import static dev.ferry.resize.ResizeEvent.REVERT;
import static dev.ferry.resize.ResizeEvent.REVERT_DONE;

import dev.ferry.entities.Entities;
import dev.ferry.hypervisor.DiskActivities;
import dev.ferry.model.Claim;
import dev.ferry.model.ClaimRequest;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.DiskCopy;
import dev.ferry.model.DomainSpec;
import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavor;
import dev.ferry.model.Flavors;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveOutcome;
import dev.ferry.model.MoveProgress;
import dev.ferry.model.MoveRequest;
import dev.ferry.model.MoveType;
import dev.ferry.model.Names;
import dev.ferry.model.PowerState;
import dev.ferry.model.Settings;
import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;
import dev.ferry.move.ConductorCalls;
import dev.ferry.move.HostCallOptions;
import dev.ferry.move.HostCalls;
import dev.ferry.move.HostUnreachableException;
import dev.ferry.move.InstanceChannel;
import dev.ferry.move.MoveInput;
import dev.ferry.move.MoveStepException;
import dev.ferry.move.MoveView;
import dev.ferry.move.Summarized;
import dev.ferry.move.WebUiTexts;
import dev.ferry.statemachine.StateMachine;
import io.temporal.workflow.Saga;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * A cold migration or resize, Nova's way: {@code pre-migrating → migrating → post-migrating →
 * finished}, then VERIFY_RESIZE until confirm, revert or the auto-confirm timer; {@code confirming
 * → confirmed} or {@code reverting → reverted}; {@code error} from any working status. Moves only
 * through {@link ResizeStateTable#TABLE}. Steps 1-3 are a saga whose compensations are registered
 * before the step they undo and are idempotent. A SHUTOFF instance stays SHUTOFF throughout.
 *
 * <p>A workflow cancel ({@link CancelWatch}) before VERIFY_RESIZE compensates at the next step
 * boundary and ends {@code cancelled}; in VERIFY_RESIZE it reverts; confirming and reverting
 * finish.
 *
 * <p>Same-host resize (when allowed) is its own path: one libvirt cannot hold two domains with one
 * UUID, so the domain is stopped, redefined with the new flavor (the old XML kept for revert) and
 * started, keeping its epoch.
 */
public class ResizeWorkflowImpl implements ResizeWorkflow {

  private static final String SYSTEM = "ferry";
  private static final String AUTO_CONFIRM = "auto-confirm";

  /** The change that replaced the refusal of host-local disks by the probe and the copy. */
  static final String DISK_COPY_CHANGE = "disk-copy";

  private static final Logger log = Workflow.getLogger(ResizeWorkflowImpl.class);

  /** Who decided, and what: confirm or revert. */
  private record Decision(ResizeEvent event, String actor) {}

  private final HostCalls hosts;
  private final StateMachine<ResizeStatus, ResizeEvent> machine =
      new StateMachine<>(ResizeStateTable.TABLE, Workflow::currentTimeMillis);

  /** Last definition XML and power state seen on each host. */
  private final Map<String, String> xmlSeen = new HashMap<>();

  private final Map<String, PowerState> powerSeen = new HashMap<>();
  private final List<String> errors = new ArrayList<>();
  private final CancelWatch cancel = new CancelWatch();

  private MoveRequest request;
  private InstanceRecord record;
  private String source;
  private String dest;
  private Flavor oldFlavor;
  private Flavor newFlavor;
  private long newEpoch;
  private boolean wasRunning;
  private boolean sameHost;
  private String oldXml;
  private long confirmWindowSeconds;
  private Decision decision;

  /**
   * Where the instance's record points: the new definition (dest host, new flavor, new epoch) or
   * the old one. On the same-host path: whether the new flavor is defined.
   */
  private boolean atDest;

  /**
   * The disk is host-local (by the shared-storage probe) and is copied to the destination: confirm
   * deletes the source's, revert and compensation the destination's. False on shared storage.
   */
  private boolean copiesDisk;

  /** {@link #DISK_COPY_CHANGE}: DEFAULT_VERSION when replaying a history from before it. */
  private int diskCopyVersion = Workflow.DEFAULT_VERSION;

  private DiskCopy diskCopy;

  /** A copy at the destination may run (a powerOn was tried and not undone): never start two. */
  private boolean destMayRun;

  private boolean instanceInError;
  private boolean claimSettled;
  private InstanceChannel channel;

  public ResizeWorkflowImpl() {
    this(HostCallOptions.SCHEDULE_TO_START);
  }

  /** For tests (a worker's implementation factory): a dead host is found out faster. */
  ResizeWorkflowImpl(Duration hostScheduleToStart) {
    this.hosts = new HostCalls(hostScheduleToStart, HostCalls.Refusals.AS_STEP_FAILURE);
  }

  @Override
  public MoveView run(MoveInput input) {
    // Moves are cancelled, never terminated: the work runs detached, so a cancel reaches it only
    // through the watcher, as a request honoured between steps (CancelWatch).
    cancel.start(machine::isFinal, () -> decideIfAwaiting(REVERT, CancelWatch.ACTOR));
    Workflow.newDetachedCancellationScope(
            () -> {
              begin(input);
              if (moveToDestination()) {
                if (awaitDecision() == CONFIRM) {
                  confirmResize();
                } else {
                  revertResize();
                }
              }
              channel.closed(outcome());
              Workflow.await(Workflow::isEveryHandlerFinished);
            })
        .run();
    return status();
  }

  // ---- steps 1-3: the saga -------------------------------------------------------------------

  private void begin(MoveInput input) {
    request = input.request();
    record = input.instance();
    channel = new InstanceChannel(input);
    hosts.forServer(record.name);
    source = record.host;
    oldFlavor = record.flavor;
    newFlavor = record.flavor;
    newEpoch = record.epoch;
    wasRunning = record.vmState != VmState.STOPPED;
    xmlSeen.put(source, record.domainXml);
    powerSeen.put(source, record.powerState);
    announce(ResizeTaskStates.taskState(machine.state()));
  }

  /** Steps 1-3; on failure compensates and ends in ERROR. Returns whether it reached FINISHED. */
  private boolean moveToDestination() {
    Saga saga =
        new Saga(
            new Saga.Options.Builder()
                .setParallelCompensation(false)
                .setContinueWithError(true)
                .build());
    try {
      cancel.check("before the claim");
      claimDestination(saga);
      cancel.check("after the claim");
      checkSharedStorage();
      cancel.check("before stopping at the source");
      fire(PREPARED, SYSTEM);
      stopAtSource(saga);
      cancel.check("after stopping at the source");
      copyDisk(saga);
      cancel.check("after the disk copy");
      fire(MIGRATED, SYSTEM);
      startAtDestination(saga);
      cancel.check("before VERIFY_RESIZE");
      fire(FINISHED_AT_DEST, SYSTEM);
      return true;
    } catch (MoveStepException | FerryRejection e) {
      noteError(e.getMessage());
      saga.compensate(); // each compensation handles its own failures
      fire(FAILED, SYSTEM);
      return false;
    } catch (MoveCancelledException e) {
      compensateCancelled(saga, e);
      return false;
    }
  }

  /**
   * A cancel before VERIFY_RESIZE: the saga undoes what was done, as for a failure, and the move
   * ends CANCELLED; ERROR when the compensation could not make the instance whole at its source.
   */
  private void compensateCancelled(Saga saga, MoveCancelledException e) {
    log.info("{}: {}", what(), e.getMessage());
    if (!sameHost) {
      // Started at the destination: the record goes back to the source (its copy is removed).
      // Same host: restoreOldDefinition decides.
      atDest = false;
    }
    saga.compensate();
    if (instanceInError) {
      noteError(e.getMessage());
      fire(FAILED, SYSTEM);
    } else {
      fire(CANCEL, CancelWatch.ACTOR);
    }
  }

  /** PRE_MIGRATING: settings, refusals that must come before touching anything, the claim. */
  private void claimDestination(Saga saga) {
    Settings settings = ConductorCalls.get("read settings", c -> c.placement().settings());
    hosts.useGracefulShutdownSeconds(settings.gracefulShutdownSeconds());
    if (request.flavor() != null) {
      newFlavor = Flavors.require(request.flavor());
    }
    confirmWindowSeconds =
        request.confirmWindowSeconds() != null
            ? request.confirmWindowSeconds()
            : settings.resizeConfirmWindowSeconds();
    // Histories from before the disk copy replay as they ran: a host-local disk was refused here.
    diskCopyVersion = Workflow.getVersion(DISK_COPY_CHANGE, Workflow.DEFAULT_VERSION, 1);
    refuseWhatCannotWork(settings);
    saga.addCompensation(this::settleClaimQuietly);
    Claim claim =
        ConductorCalls.get(
            "claim " + newFlavor.name() + " for " + moveConsumer(),
            c ->
                c.placement()
                    .claim(
                        new ClaimRequest(
                            moveConsumer(),
                            newFlavor.resources(),
                            request.destHost(),
                            sameHostAllowed(settings) ? List.of() : List.of(source))));
    dest = claim.host();
    sameHost = dest.equals(source);
    if (sameHost && !sameHostAllowed(settings)) {
      throw new MoveStepException("placement chose the source host " + source + " for " + what());
    }
    newEpoch = sameHost ? record.epoch : record.epoch + 1;
  }

  private void refuseWhatCannotWork(Settings settings) {
    if (oldFlavor == null) {
      throw reject(Reason.INVALID_STATE, "instance " + record.name + " has no flavor");
    }
    if (confirmWindowSeconds < 0) {
      throw reject(Reason.INVALID_ARGUMENT, "the confirm window cannot be negative");
    }
    if (newFlavor.diskGb() < oldFlavor.diskGb()) {
      throw reject(
          Reason.INVALID_ARGUMENT,
          "cannot shrink the disk of "
              + record.name
              + " from "
              + oldFlavor.name()
              + "'s "
              + oldFlavor.diskGb()
              + " GB to "
              + newFlavor.name()
              + "'s "
              + newFlavor.diskGb()
              + " GB");
    }
    boolean toSource = source.equals(request.destHost());
    if (toSource && !sameHostAllowed(settings)) {
      throw reject(
          Reason.SAME_HOST,
          record.name
              + " is already on "
              + source
              + ": "
              + (isResize()
                  ? "resize to the same host is not allowed"
                  : "a cold migration always leaves its host"));
    }
    if (diskCopyVersion == Workflow.DEFAULT_VERSION
        && record.diskPath != null
        && !record.sharedStorage
        && !toSource) {
      throw reject(
          Reason.INVALID_STATE,
          "host-local disk copy not supported yet: "
              + record.name
              + "'s disk "
              + record.diskPath
              + " is not on shared storage");
    }
  }

  /**
   * Still PRE_MIGRATING, nothing stopped yet: Nova's shared-storage test. The destination writes a
   * probe volume beside the disk and the source looks for it. Shared: the destination uses the same
   * file and nothing is copied. Not shared: the disk is copied once the source is stopped.
   */
  private void checkSharedStorage() {
    if (record.diskPath == null
        || record.diskPath.isBlank()
        || sameHost
        || diskCopyVersion == Workflow.DEFAULT_VERSION) {
      return; // no disk, or the same one; or a history from before the probe
    }
    String probe = probePath();
    hosts.disk(
        dest,
        "write the shared-storage probe",
        d -> {
          d.writeProbe(probe);
          return null;
        });
    boolean shared;
    try {
      shared =
          hosts.disk(
              source, "look for " + dest + "'s shared-storage probe", d -> d.probeExists(probe));
    } finally {
      removeProbeQuietly(probe);
    }
    copiesDisk = !shared;
    log.info(
        "{}: disk {} is {}",
        what(),
        record.diskPath,
        shared ? "on storage shared by " + source + " and " + dest : "host-local: it is copied");
  }

  private String probePath() {
    String path = record.diskPath;
    int slash = path.lastIndexOf('/');
    String dir = slash <= 0 ? "/" : path.substring(0, slash);
    return dir + "/" + DiskActivities.PROBE_PREFIX + moveId();
  }

  private void removeProbeQuietly(String probe) {
    try {
      hosts.disk(
          dest,
          "remove the shared-storage probe",
          d -> {
            d.removeProbe(probe);
            return null;
          });
    } catch (MoveStepException e) {
      log.warn("probe {} left on {}: {}", probe, dest, e.getMessage());
    }
  }

  /**
   * MIGRATING, the source stopped: a host-local disk is streamed from the source's libvirt to the
   * destination's (never through Temporal). Compensation first: delete the (partial) copy. A
   * retried copy (an agent restarted mid-copy) deletes its partial volume itself and starts over.
   */
  private void copyDisk(Saga saga) {
    if (!copiesDisk) {
      return;
    }
    String destUri =
        PeerUris.forDiskCopy(
            ConductorCalls.get("read host " + dest, c -> c.hostRecords().get(dest)));
    saga.addCompensation(this::removeCopiedDisk);
    String what = "copy the disk " + record.diskPath + " to " + dest;
    diskCopy =
        cancel.interruptibly(
            what,
            () ->
                hosts.disk(
                    source, what, d -> d.copyDisk(record.diskPath, destUri, record.diskPath)));
  }

  /** MIGRATING: stop the instance at the source (compensation first: start it again). */
  private void stopAtSource(Saga saga) {
    if (wasRunning) {
      saga.addCompensation(this::restartAtSource);
    }
    int graceful = hosts.gracefulShutdownSeconds();
    observe(source, hosts.hypervisor(source, "power off", h -> h.powerOff(record.id, graceful)));
  }

  /** POST_MIGRATING: define the new flavor at the destination (or in place) and start it. */
  private void startAtDestination(Saga saga) {
    announce(TaskState.RESIZE_FINISH);
    if (sameHost) {
      redefineInPlace(saga);
    } else {
      defineAtDestination(saga);
    }
    if (wasRunning) {
      destMayRun = true;
      observe(dest, hosts.hypervisor(dest, "power on", h -> h.powerOn(record.id)));
    }
    atDest = true;
  }

  private void defineAtDestination(Saga saga) {
    saga.addCompensation(this::removeDestinationCopy);
    DomainSpec spec = spec(newFlavor, newEpoch, record.domainXml);
    observe(dest, hosts.hypervisor(dest, "define", h -> h.define(spec)));
  }

  /** Same host: keep the old definition for revert, then redefine with the new flavor. */
  private void redefineInPlace(Saga saga) {
    oldXml = record.domainXml != null ? record.domainXml : existingXmlAt(source);
    saga.addCompensation(this::restoreOldDefinition);
    DomainSpec spec = spec(newFlavor, newEpoch, oldXml);
    observe(dest, hosts.hypervisor(dest, "define", h -> h.define(spec)));
    atDest = true;
  }

  // ---- compensations (idempotent; each handles its own failure) ------------------------------

  private void removeDestinationCopy() {
    try {
      hosts.hypervisor(dest, "remove the copy", h -> h.remove(record.id, newEpoch));
      destMayRun = false;
    } catch (HostUnreachableException e) {
      noteError(e.getMessage());
      owe(dest, newEpoch, "left by failed " + what(), null);
    } catch (MoveStepException e) {
      noteError(e.getMessage());
      instanceInError = true;
    }
  }

  private void restoreOldDefinition() {
    try {
      if (destMayRun) {
        int graceful = hosts.gracefulShutdownSeconds();
        observe(
            source, hosts.hypervisor(source, "power off", h -> h.powerOff(record.id, graceful)));
        destMayRun = false;
      }
      DomainSpec spec = spec(oldFlavor, record.epoch, oldXml);
      observe(source, hosts.hypervisor(source, "restore the old definition", h -> h.define(spec)));
      atDest = false;
    } catch (MoveStepException e) {
      noteError(e.getMessage());
      instanceInError = true;
    }
  }

  /** Deletes the copied (or partial) disk at the destination; its domain is already removed. */
  private void removeCopiedDisk() {
    deleteDiskQuietly(dest, newEpoch, "disk copied by failed " + what());
  }

  /**
   * Deletes the disk of this instance on {@code host} once its domain there is gone. A failure does
   * not undo the move: the instance is whole where its record points, and a dead host owes the
   * deletion (a cleanup item); other failures are noted in the move's error.
   */
  private void deleteDiskQuietly(String host, long epochAtMost, String reason) {
    try {
      hosts.disk(host, "delete the disk " + record.diskPath, d -> d.deleteDisk(record.diskPath));
    } catch (HostUnreachableException e) {
      noteError(e.getMessage());
      owe(host, epochAtMost, reason, record.diskPath);
    } catch (MoveStepException e) {
      noteError(e.getMessage());
    }
  }

  private void restartAtSource() {
    if (destMayRun || (sameHost && atDest)) {
      noteError(record.name + " not restarted on " + source + ": its new copy may still run");
      instanceInError = true;
      return;
    }
    try {
      observe(source, hosts.hypervisor(source, "power on", h -> h.powerOn(record.id)));
    } catch (MoveStepException e) {
      noteError(e.getMessage());
      instanceInError = true;
    }
  }

  // ---- step 4: VERIFY_RESIZE -----------------------------------------------------------------

  private ResizeEvent awaitDecision() {
    if (confirmWindowSeconds <= 0) {
      // The one wait without a timer (DESIGN "Rules every move follows"): with a confirm window of
      // 0 the operator decides, however long that takes.
      Workflow.await(() -> decision != null);
    } else if (!Summarized.await(
        Duration.ofSeconds(confirmWindowSeconds),
        WebUiTexts.autoConfirm(Duration.ofSeconds(confirmWindowSeconds)),
        () -> decision != null)) {
      decision = new Decision(CONFIRM, AUTO_CONFIRM);
    }
    fire(decision.event(), decision.actor());
    return decision.event();
  }

  @Override
  public void validateConfirm(String actor) {
    validateAwaitingDecision();
  }

  @Override
  public MoveView confirm(String actor) {
    return decideAndAwait(CONFIRM, actor);
  }

  @Override
  public void validateRevert(String actor) {
    validateAwaitingDecision();
  }

  @Override
  public MoveView revert(String actor) {
    return decideAndAwait(REVERT, actor);
  }

  @Override
  public void requestConfirm(String actor) {
    decideIfAwaiting(CONFIRM, actor);
  }

  @Override
  public void requestRevert(String actor) {
    decideIfAwaiting(REVERT, actor);
  }

  /** Validators: see {@link Entities#rejectUpdate} for why not {@code toFailure()} here. */
  private void validateAwaitingDecision() {
    if (!awaitingDecision()) {
      throw Entities.rejectUpdate(nothingPending());
    }
  }

  private FerryRejection nothingPending() {
    return new FerryRejection(
        Reason.NOTHING_PENDING,
        Names.moveWorkflowId(moveId())
            + " is not awaiting confirmation (status "
            + machine.state().novaName()
            + (decision != null
                ? ", " + decision.event().name().toLowerCase() + " requested by " + decision.actor()
                : "")
            + ")");
  }

  private boolean awaitingDecision() {
    return machine.state() == ResizeStatus.FINISHED && decision == null;
  }

  /** The Update: decide, then answer once the decision is carried out (or failed). */
  private MoveView decideAndAwait(ResizeEvent event, String actor) {
    if (!decideIfAwaiting(event, actor) && (decision == null || decision.event() != event)) {
      throw nothingPending().toFailure(); // an opposite decision won the race
    }
    Workflow.await(machine::isFinal);
    return status();
  }

  private boolean decideIfAwaiting(ResizeEvent event, String actor) {
    if (!awaitingDecision()) {
      log.info("{} ignored in status {}", event, machine.state());
      return false;
    }
    decision = new Decision(event, actor == null || actor.isBlank() ? "unknown" : actor);
    return true;
  }

  // ---- step 5: confirm -----------------------------------------------------------------------

  private void confirmResize() {
    try {
      DomainView current = lookAt(dest);
      if (!current.exists()) {
        atDest = sameHost; // across hosts, the record goes back to the kept source copy
        throw new MoveStepException(
            "confirm: "
                + record.name
                + " has no domain on "
                + dest
                + (sameHost ? "" : "; its copy on " + source + " is kept"));
      }
      observe(dest, current);
      if (!sameHost) {
        removeStaleSourceCopy();
        if (copiesDisk) {
          deleteDiskQuietly(source, record.epoch, "old disk after " + what() + " was confirmed");
        }
      }
      settleClaim();
      fire(CONFIRM_DONE, SYSTEM);
    } catch (MoveStepException e) {
      failAfterDecision(e);
    }
  }

  /** The source copy carries the old epoch: the guard keeps a newer copy from being removed. */
  private void removeStaleSourceCopy() {
    try {
      hosts.hypervisor(source, "remove the old copy", h -> h.remove(record.id, record.epoch));
    } catch (HostUnreachableException e) {
      owe(
          source,
          record.epoch,
          "stale copy after " + what() + " was confirmed",
          copiesDisk ? record.diskPath : null);
      throw e;
    }
  }

  // ---- step 6: revert ------------------------------------------------------------------------

  private void revertResize() {
    try {
      DomainView original = lookAt(source);
      if (!original.exists()) {
        throw new MoveStepException(
            "revert: "
                + record.name
                + " has no domain on "
                + source
                + (sameHost ? "" : "; its copy on " + dest + " is kept"));
      }
      if (sameHost) {
        restoreInPlace();
      } else {
        observe(source, original);
        removeDestinationCopyForRevert();
        if (copiesDisk) {
          deleteDiskQuietly(dest, newEpoch, "disk copied by reverted " + what());
        }
      }
      atDest = false;
      if (wasRunning) {
        observe(source, hosts.hypervisor(source, "power on", h -> h.powerOn(record.id)));
      }
      settleClaim();
      fire(REVERT_DONE, SYSTEM);
    } catch (MoveStepException e) {
      failAfterDecision(e);
    }
  }

  private void restoreInPlace() {
    int graceful = hosts.gracefulShutdownSeconds();
    observe(source, hosts.hypervisor(source, "power off", h -> h.powerOff(record.id, graceful)));
    DomainSpec spec = spec(oldFlavor, record.epoch, oldXml);
    observe(source, hosts.hypervisor(source, "restore the old definition", h -> h.define(spec)));
  }

  /**
   * A dead destination may still run its copy (only its agent may be gone): the source is then not
   * restarted, the record goes back to it in ERROR, and the destination owes the removal.
   */
  private void removeDestinationCopyForRevert() {
    try {
      hosts.hypervisor(dest, "remove the new copy", h -> h.remove(record.id, newEpoch));
    } catch (HostUnreachableException e) {
      atDest = false;
      owe(dest, newEpoch, "left by reverted " + what(), copiesDisk ? record.diskPath : null);
      throw new MoveStepException(
          e.getMessage()
              + "; "
              + record.name
              + " not restarted on "
              + source
              + " while its copy on "
              + dest
              + " may run");
    }
  }

  // ---- the end -------------------------------------------------------------------------------

  private void failAfterDecision(MoveStepException e) {
    noteError(e.getMessage());
    instanceInError = true;
    settleClaimQuietly();
    fire(FAILED, SYSTEM);
  }

  /**
   * The move's claim follows the record: handed to the instance (allocation swap) when the record
   * points at the new definition, released otherwise.
   */
  private void settleClaim() {
    if (claimSettled) {
      return;
    }
    if (atDest) {
      ConductorCalls.run(
          "swap the claim", c -> c.placement().swap(moveConsumer(), instanceConsumer()));
    } else {
      ConductorCalls.run("release the claim", c -> c.placement().release(moveConsumer()));
    }
    claimSettled = true;
  }

  private void settleClaimQuietly() {
    try {
      settleClaim();
    } catch (MoveStepException e) {
      noteError(e.getMessage());
    }
  }

  /**
   * Puts work on a dead host's cleanup list: remove copies of this instance up to an epoch, and its
   * host-local disk when {@code diskPath} is given (never a disk on shared storage).
   */
  private void owe(String host, long epochAtMost, String reason, String diskPath) {
    CleanupItem item =
        new CleanupItem(
            moveConsumer() + ":" + host + (diskPath != null ? ":disk" : ""),
            diskPath != null
                ? CleanupItem.Kind.REMOVE_DOMAIN_AND_DISK
                : CleanupItem.Kind.REMOVE_STALE_DOMAIN,
            record.id,
            epochAtMost,
            diskPath,
            reason);
    try {
      ConductorCalls.run("add cleanup on " + host, c -> c.hostRecords().addCleanup(host, item));
    } catch (MoveStepException e) {
      noteError(e.getMessage());
    }
  }

  private MoveOutcome outcome() {
    String host = currentHost();
    return new MoveOutcome(
        moveId(),
        machine.state().novaName(),
        machine.state() != ResizeStatus.ERROR,
        host,
        atDest ? newFlavor : oldFlavor,
        atDest ? newEpoch : record.epoch,
        xmlSeen.get(host),
        settledVmState(),
        powerSeen.getOrDefault(host, PowerState.NOSTATE),
        errors.isEmpty() ? null : String.join("; ", errors),
        source,
        dest);
  }

  private VmState settledVmState() {
    if (machine.state() == ResizeStatus.ERROR && instanceInError) {
      return VmState.ERROR;
    }
    return wasRunning ? VmState.ACTIVE : VmState.STOPPED;
  }

  // ---- transitions, visibility, the instance -------------------------------------------------

  private void fire(ResizeEvent event, String actor) {
    machine.fire(event, actor);
    announce(ResizeTaskStates.taskState(machine.state()));
  }

  /** Every status change: search attributes, UI details, and the instance's task state. */
  private void announce(TaskState task) {
    String details =
        machine.state().novaName()
            + ": "
            + record.name
            + " "
            + source
            + (dest == null ? "" : " → " + dest)
            + flavorChange()
            + diskNote();
    VmState vm =
        machine.isFinal()
            ? settledVmState()
            : ResizeTaskStates.vmState(machine.state(), record.vmState);
    MoveProgress progress =
        new MoveProgress(
            moveId(),
            machine.state().novaName(),
            vm,
            task,
            powerSeen.getOrDefault(currentHost(), PowerState.NOSTATE));
    channel.announce(request.type(), source, dest, details, progress);
  }

  @Override
  public MoveView status() {
    return MoveView.of(request, record, source, dest, machine.state().novaName(), machine, errors);
  }

  // ---- small helpers -------------------------------------------------------------------------

  private String existingXmlAt(String host) {
    DomainView current = lookAt(host);
    if (!current.exists()) {
      throw new MoveStepException(record.name + " has no domain on " + host);
    }
    return current.inactiveXml();
  }

  private DomainView lookAt(String host) {
    return hosts.hypervisor(host, "inspect", h -> h.inspect(record.id));
  }

  private void observe(String host, DomainView view) {
    if (view == null || !view.exists()) {
      return;
    }
    powerSeen.put(host, view.powerState());
    if (view.inactiveXml() != null) {
      xmlSeen.put(host, view.inactiveXml());
    }
  }

  private DomainSpec spec(Flavor flavor, long epoch, String baseXml) {
    return new DomainSpec(
        record.id, record.name, flavor, epoch, baseXml, record.diskPath, record.baseImage);
  }

  private String flavorChange() {
    if (oldFlavor == null || newFlavor == null) {
      return "";
    }
    return " ("
        + oldFlavor.name()
        + (newFlavor.equals(oldFlavor) ? "" : " → " + newFlavor.name())
        + ")";
  }

  private String diskNote() {
    if (diskCopy != null) {
      return "; disk copied: " + diskCopy.bytes() + " bytes in " + diskCopy.millis() + " ms";
    }
    return copiesDisk ? "; host-local disk: copy pending" : "";
  }

  private String currentHost() {
    return atDest ? dest : source;
  }

  private boolean sameHostAllowed(Settings settings) {
    return settings.allowResizeToSameHost() && isResize();
  }

  /** A cold migration never stays on its host: same-host is for a new flavor only. */
  private boolean isResize() {
    return request.type() == MoveType.RESIZE || !newFlavor.equals(oldFlavor);
  }

  private String what() {
    return (isResize() ? "resize " : "cold migration ") + Names.moveWorkflowId(moveId());
  }

  private String moveId() {
    return request == null ? null : request.moveId();
  }

  private String moveConsumer() {
    return Names.moveWorkflowId(moveId());
  }

  private String instanceConsumer() {
    return Names.instanceWorkflowId(record.id);
  }

  private void noteError(String message) {
    errors.add(message);
  }

  private static FerryRejection reject(Reason reason, String message) {
    return new FerryRejection(reason, message);
  }
}
