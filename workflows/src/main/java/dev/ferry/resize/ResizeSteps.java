package dev.ferry.resize;

import static dev.ferry.resize.ResizeEvent.CANCEL;
import static dev.ferry.resize.ResizeEvent.FAILED;
import static dev.ferry.resize.ResizeEvent.FINISHED_AT_DEST;
import static dev.ferry.resize.ResizeEvent.MIGRATED;
import static dev.ferry.resize.ResizeEvent.PREPARED;
import static dev.ferry.resize.ResizeRun.SYSTEM;

import dev.ferry.instance.ServerRefusals;
import dev.ferry.model.Claim;
import dev.ferry.model.DomainSpec;
import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavors;
import dev.ferry.model.Settings;
import dev.ferry.model.TaskState;
import dev.ferry.move.ConductorCalls;
import dev.ferry.move.MoveClaims;
import dev.ferry.move.MoveSagas;
import dev.ferry.move.MoveStepException;
import io.temporal.workflow.Saga;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

/**
 * Steps 1-3, a saga: PRE_MIGRATING (settings, refusals, the claim, the storage probe, the guest's
 * real state at the source), MIGRATING (stop at the source, copy a host-local disk), POST_MIGRATING
 * (define at the destination or in place, start). Each compensation is registered before the step
 * it undoes; a cancel is honoured at the step boundaries ({@link CancelWatch}).
 */
final class ResizeSteps {

  /** The change that replaced the refusal of host-local disks by the probe and the copy. */
  static final String DISK_COPY_CHANGE = "disk-copy";

  /** The change that reads the guest at the source instead of trusting the record's vm state. */
  static final String GUEST_STATE_CHANGE = "resize-guest-state";

  private static final Logger log = Workflow.getLogger(ResizeSteps.class);

  private final ResizeRun run;
  private final ResizeReporting reporting;
  private final ResizeBookkeeping books;
  private final SharedStorageProbe probe;
  private final ResizeCompensations compensations;

  ResizeSteps(
      ResizeRun run,
      ResizeReporting reporting,
      ResizeBookkeeping books,
      SharedStorageProbe probe,
      ResizeCompensations compensations) {
    this.run = run;
    this.reporting = reporting;
    this.books = books;
    this.probe = probe;
    this.compensations = compensations;
  }

  /** Steps 1-3; on failure compensates and ends in ERROR. Returns whether it reached FINISHED. */
  boolean moveToDestination() {
    Saga saga = MoveSagas.newSaga();
    try {
      run.cancel.check("before the claim");
      claimDestination(saga);
      run.cancel.check("after the claim");
      probe.check();
      run.cancel.check("before stopping at the source");
      readGuestAtSource();
      reporting.fire(PREPARED, SYSTEM);
      stopAtSource(saga);
      run.cancel.check("after stopping at the source");
      copyDisk(saga);
      run.cancel.check("after the disk copy");
      reporting.fire(MIGRATED, SYSTEM);
      startAtDestination(saga);
      run.cancel.check("before VERIFY_RESIZE");
      reporting.fire(FINISHED_AT_DEST, SYSTEM);
      return true;
    } catch (MoveStepException | FerryRejection e) {
      run.noteError(e.getMessage());
      saga.compensate(); // each compensation handles its own failures
      reporting.fire(FAILED, SYSTEM);
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
    log.info("{}: {}", run.what(), e.getMessage());
    if (!run.sameHost) {
      // Started at the destination: the record goes back to the source (its copy is removed).
      // Same host: restoreOldDefinition decides.
      run.atDest = false;
    }
    saga.compensate();
    if (run.instanceInError) {
      run.noteError(e.getMessage());
      reporting.fire(FAILED, SYSTEM);
    } else {
      reporting.fire(CANCEL, CancelWatch.ACTOR);
    }
  }

  /** PRE_MIGRATING: settings, refusals that must come before touching anything, the claim. */
  private void claimDestination(Saga saga) {
    Settings settings = ConductorCalls.get("read settings", c -> c.placement().settings());
    run.hosts.useGracefulShutdownSeconds(settings.gracefulShutdownSeconds());
    if (run.request.flavor() != null) {
      run.newFlavor = Flavors.require(run.request.flavor());
    }
    run.confirmWindowSeconds =
        run.request.confirmWindowSeconds() != null
            ? run.request.confirmWindowSeconds()
            : settings.resizeConfirmWindowSeconds();
    // Histories from before the disk copy replay as they ran: a host-local disk was refused here.
    run.diskCopyVersion = Workflow.getVersion(DISK_COPY_CHANGE, Workflow.DEFAULT_VERSION, 1);
    refuseWhatCannotWork(settings);
    saga.addCompensation(books::settleClaimQuietly);
    Claim claim =
        ConductorCalls.get(
            "claim " + run.newFlavor.name() + " for " + run.moveConsumer(),
            c ->
                c.placement()
                    .claim(
                        MoveClaims.request(
                            run.moveId(),
                            run.newFlavor.resources(),
                            run.request.destHost(),
                            run.source,
                            run.sameHostAllowed(settings))));
    run.dest = claim.host();
    run.sameHost = run.dest.equals(run.source);
    if (run.sameHost && !run.sameHostAllowed(settings)) {
      throw new MoveStepException(
          "placement chose the source host " + run.source + " for " + run.what());
    }
    run.newEpoch = run.sameHost ? run.record.epoch : run.record.epoch + 1;
  }

  private void refuseWhatCannotWork(Settings settings) {
    if (run.oldFlavor == null) {
      throw reject(Reason.INVALID_STATE, ServerRefusals.noFlavor(run.record));
    }
    if (run.confirmWindowSeconds < 0) {
      throw reject(Reason.INVALID_ARGUMENT, "the confirm window cannot be negative");
    }
    if (run.newFlavor.diskGb() < run.oldFlavor.diskGb()) {
      throw reject(
          Reason.INVALID_ARGUMENT,
          ServerRefusals.diskShrink(run.record.name, run.oldFlavor, run.newFlavor));
    }
    boolean toSource = run.source.equals(run.request.destHost());
    if (toSource && !run.sameHostAllowed(settings)) {
      throw reject(
          Reason.SAME_HOST,
          "server "
              + run.record.name
              + " is already on host "
              + run.source
              + ": "
              + (run.isResize()
                  ? "resizing on the same host is not allowed"
                  : "a cold migration always leaves its host")
              + "; pick another host or omit --host");
    }
    if (run.diskCopyVersion == Workflow.DEFAULT_VERSION
        && run.record.diskPath != null
        && !run.record.sharedStorage
        && !toSource) {
      throw reject(
          Reason.INVALID_STATE,
          "host-local disk copy not supported yet: "
              + run.record.name
              + "'s disk "
              + run.record.diskPath
              + " is not on shared storage");
    }
  }

  /**
   * Still PRE_MIGRATING, nothing stopped: the guest as the source's libvirt sees it decides, not
   * the record. Running: stopped here and started at the destination. Shut off: kept off. Anything
   * else (paused, suspended, saved, crashed, missing) is refused, as Nova moves only an ACTIVE or
   * SHUTOFF server: the saga releases the claim, and the instance keeps the state its guest is in.
   */
  private void readGuestAtSource() {
    if (Workflow.getVersion(GUEST_STATE_CHANGE, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      return; // a history from before: the record's vm state said whether it ran
    }
    DomainView view = run.lookAt(run.source);
    run.observe(run.source, view);
    run.guest = view.guest();
    switch (run.guest) {
      case RUNNING -> run.wasRunning = true;
      case SHUT_OFF -> run.wasRunning = false;
      default ->
          throw reject(
              Reason.INVALID_STATE,
              "server "
                  + run.record.name
                  + " is "
                  + run.guest
                  + " on "
                  + run.source
                  + ": "
                  + (run.isResize() ? "a resize" : "a cold migration")
                  + " moves only a RUNNING or SHUT_OFF guest (Nova: ACTIVE or SHUTOFF)");
    }
  }

  /**
   * MIGRATING, the source stopped: a host-local disk is streamed from the source's libvirt to the
   * destination's (never through Temporal). Compensation first: delete the (partial) copy. A
   * retried copy (an agent restarted mid-copy) deletes its partial volume itself and starts over.
   */
  private void copyDisk(Saga saga) {
    if (!run.copiesDisk) {
      return;
    }
    String destUri =
        PeerUris.forDiskCopy(
            ConductorCalls.get("read host " + run.dest, c -> c.hostRecords().get(run.dest)));
    saga.addCompensation(compensations::removeCopiedDisk);
    String what = "copy the disk " + run.record.diskPath + " to " + run.dest;
    run.diskCopy =
        run.cancel.interruptibly(
            what,
            () ->
                run.hosts.disk(
                    run.source,
                    what,
                    d -> d.copyDisk(run.record.diskPath, destUri, run.record.diskPath)));
  }

  /** MIGRATING: stop the instance at the source (compensation first: start it again). */
  private void stopAtSource(Saga saga) {
    if (run.wasRunning) {
      saga.addCompensation(compensations::restartAtSource);
    }
    int graceful = run.hosts.gracefulShutdownSeconds();
    run.observe(
        run.source,
        run.hosts.hypervisor(run.source, "power off", h -> h.powerOff(run.record.id, graceful)));
  }

  /** POST_MIGRATING: define the new flavor at the destination (or in place) and start it. */
  private void startAtDestination(Saga saga) {
    reporting.announce(TaskState.RESIZE_FINISH);
    if (run.sameHost) {
      redefineInPlace(saga);
    } else {
      defineAtDestination(saga);
    }
    if (run.wasRunning) {
      run.destMayRun = true;
      run.observe(
          run.dest, run.hosts.hypervisor(run.dest, "power on", h -> h.powerOn(run.record.id)));
    }
    run.atDest = true;
  }

  private void defineAtDestination(Saga saga) {
    saga.addCompensation(compensations::removeDestinationCopy);
    DomainSpec spec = run.spec(run.newFlavor, run.newEpoch, run.record.domainXml);
    run.observe(run.dest, run.hosts.hypervisor(run.dest, "define", h -> h.define(spec)));
  }

  /** Same host: keep the old definition for revert, then redefine with the new flavor. */
  private void redefineInPlace(Saga saga) {
    run.oldXml =
        run.record.domainXml != null ? run.record.domainXml : run.existingXmlAt(run.source);
    saga.addCompensation(compensations::restoreOldDefinition);
    DomainSpec spec = run.spec(run.newFlavor, run.newEpoch, run.oldXml);
    run.observe(run.dest, run.hosts.hypervisor(run.dest, "define", h -> h.define(spec)));
    run.atDest = true;
  }

  private static FerryRejection reject(Reason reason, String message) {
    return new FerryRejection(reason, message);
  }
}
