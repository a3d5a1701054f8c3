package dev.ferry.evacuate;

import static dev.ferry.evacuate.EvacuationEvent.FENCED;
import static dev.ferry.evacuate.EvacuationEvent.REFUSED;

import dev.ferry.instance.ServerRefusals;
import dev.ferry.model.BaseImage;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.HostRecord;
import dev.ferry.model.InstanceRecord;
import dev.ferry.move.ActivityFailures;
import dev.ferry.move.ConductorCalls;
import dev.ferry.move.MoveStepException;
import dev.ferry.move.WebUiTexts;
import io.temporal.failure.ActivityFailure;

/**
 * ACCEPTED: refuse what cannot work before touching anything (the source must be DOWN or forced
 * down, a host-local disk needs a recorded base image, a named destination must have it), then
 * fence the source from the conductor. A refusal or a fencing failure ends the move in {@code
 * failed} with nothing touched.
 */
final class EvacuationFencing {

  private final EvacuationRun run;
  private final EvacuationReporting reporting;

  EvacuationFencing(EvacuationRun run, EvacuationReporting reporting) {
    this.run = run;
    this.reporting = reporting;
  }

  /** True when fenced (PRE_MIGRATING); false when refused (FAILED, nothing touched). */
  boolean checkAndFence() {
    try {
      refuseWhatCannotWork();
      HostRecord host = sourceRecord();
      if (host.isAlive()) {
        throw new FerryRejection(
            Reason.HOST_IN_USE,
            "host "
                + run.source
                + " is UP and not forced down: evacuation is only for a failed host (Nova's"
                + " ComputeServiceInUse). If it has failed, force it down first ('ferry host"
                + " set-down "
                + run.source
                + "'); to move servers off a running host, live-migrate them ('ferry host"
                + " drain "
                + run.source
                + "')");
      }
      refuseNamedDestinationWithoutImage();
      FenceResult fenced = fence(host);
      run.fenceMethod = fenced.method();
      run.fencingSummary = fenced.summary();
      reporting.fire(FENCED, run.actor() + " via " + fenced.method());
      return true;
    } catch (FerryRejection r) {
      run.noteRefusal(r);
      reporting.fire(REFUSED, EvacuationRun.SYSTEM);
      return false;
    }
  }

  private void refuseWhatCannotWork() {
    InstanceRecord record = run.record;
    if (record.flavor == null) {
      throw new FerryRejection(Reason.INVALID_STATE, ServerRefusals.noFlavor(record));
    }
    if (run.source.equals(run.request.destHost())) {
      throw new FerryRejection(
          Reason.SAME_HOST,
          "server "
              + record.name
              + " is on "
              + run.source
              + ", the failed host: an evacuation rebuilds it on another host; pick another"
              + " target host or omit --host");
    }
    if (run.hasLocalDisk() && (record.baseImage == null || record.baseImage.isBlank())) {
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
    String named = run.request.destHost();
    if (!run.hasLocalDisk() || named == null) {
      return;
    }
    BaseImage image;
    try {
      image = run.findBaseImage(named);
    } catch (MoveStepException e) {
      throw new FerryRejection(
          Reason.UNREACHABLE,
          "cannot ask "
              + named
              + " for base image "
              + run.record.baseImage
              + " to rebuild "
              + run.record.name
              + "'s host-local disk: "
              + e.getMessage());
    }
    if (image == null) {
      throw run.missingImage(named);
    }
  }

  private HostRecord sourceRecord() {
    String source = run.source;
    try {
      return ConductorCalls.summarized("read host " + source + "'s record")
          .hostRecords()
          .get(source);
    } catch (ActivityFailure f) {
      throw ActivityFailures.rejectionOrUnreachable(f, "cannot read host " + source + "'s record");
    }
  }

  /** Fencing runs on the conductor, never on the dead host's queue. No rebuild without it. */
  private FenceResult fence(HostRecord host) {
    String source = run.source;
    String method = run.request.fenceMethod();
    try {
      return ConductorCalls.fencing(WebUiTexts.fence(source, method))
          .fence(new FenceRequest(source, run.record.id, method, run.actor(), host.libvirtUri));
    } catch (ActivityFailure f) {
      throw new FerryRejection(
          Reason.UNREACHABLE,
          "fencing host "
              + source
              + (method != null ? " by " + method : "")
              + " failed, so "
              + run.record.name
              + " was not rebuilt: "
              + ActivityFailures.message(f)
              + " (if the host is powered off, say so with --fence "
              + FenceMethods.CONFIRMED_OFF
              + ")");
    }
  }
}
