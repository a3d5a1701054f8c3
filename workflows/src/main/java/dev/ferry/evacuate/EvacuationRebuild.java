package dev.ferry.evacuate;

import static dev.ferry.evacuate.EvacuationEvent.FAILED;
import static dev.ferry.evacuate.EvacuationEvent.REBUILT;

import dev.ferry.model.BaseImage;
import dev.ferry.model.Claim;
import dev.ferry.model.DomainSpec;
import dev.ferry.model.DomainView;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.PowerState;
import dev.ferry.model.RootDisk;
import dev.ferry.move.ConductorCalls;
import dev.ferry.move.MoveClaims;
import dev.ferry.move.MoveSagas;
import dev.ferry.move.MoveStepException;
import io.temporal.workflow.Saga;

/**
 * PRE_MIGRATING, a saga: claim a destination (never the source), rebuild there from the instance
 * RECORD with epoch + 1 (a shared disk reused, a host-local one made anew from the base image),
 * start it unless the instance was STOPPED, hand over. A failure compensates ({@link
 * EvacuationCompensations}, registered before the step they undo) and ends in {@code error}.
 */
final class EvacuationRebuild {

  private final EvacuationRun run;
  private final EvacuationReporting reporting;
  private final EvacuationBookkeeping books;
  private final EvacuationCompensations undo;

  EvacuationRebuild(
      EvacuationRun run,
      EvacuationReporting reporting,
      EvacuationBookkeeping books,
      EvacuationCompensations undo) {
    this.run = run;
    this.reporting = reporting;
    this.books = books;
    this.undo = undo;
  }

  void rebuild() {
    Saga saga = MoveSagas.newSaga();
    try {
      claimDestination(saga);
      defineAtDestination(saga);
      if (!run.wasStopped) {
        DomainView on = run.hosts.hypervisor(run.dest, "power on", h -> h.powerOn(run.record.id));
        run.observe(on);
      }
      run.notes.add(startChoice()); // handOver does not fail: it notes its own errors
      books.handOver();
      reporting.fire(REBUILT, EvacuationRun.SYSTEM);
    } catch (MoveStepException | FerryRejection e) {
      if (e instanceof FerryRejection r) {
        run.noteRefusal(r);
      } else {
        run.noteError(e.getMessage());
      }
      saga.compensate(); // each compensation handles its own failures
      reporting.fire(FAILED, EvacuationRun.SYSTEM);
    }
  }

  /** Nova's choice by the recorded state (the dead host cannot say what the guest was doing). */
  private String startChoice() {
    String name = run.record.name;
    return switch (run.record.vmState) {
      case STOPPED -> name + " was STOPPED: rebuilt and left shut off";
      case ERROR -> name + " was in ERROR: rebuilt and started, it is ACTIVE again";
      default -> name + " was " + run.record.vmState + ": rebuilt and started";
    };
  }

  private void claimDestination(Saga saga) {
    InstanceRecord record = run.record;
    saga.addCompensation(books::releaseClaimQuietly);
    Claim claim =
        ConductorCalls.get(
            "claim " + record.flavor.name() + " for " + run.moveConsumer(),
            c ->
                c.placement()
                    .claim(
                        MoveClaims.request(
                            run.request.moveId(),
                            record.flavor.resources(),
                            run.request.destHost(),
                            run.source,
                            false)));
    run.dest = claim.host();
    if (run.source.equals(run.dest)) {
      throw new MoveStepException(
          "placement chose the failed host " + run.source + " for " + run.what());
    }
    reporting.announce();
  }

  /** Look before defining: never start a second running copy, never replace one silently. */
  private void defineAtDestination(Saga saga) {
    InstanceRecord record = run.record;
    String dest = run.dest;
    DomainView there = run.hosts.hypervisor(dest, "inspect", h -> h.inspect(record.id));
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
      run.notes.add(
          "replaced a stopped leftover definition of "
              + record.name
              + " on "
              + dest
              + " (epoch "
              + there.epoch()
              + ")");
    }
    if (record.diskPath == null || record.diskPath.isBlank()) {
      run.disk = "none";
    } else if (record.sharedStorage) {
      run.disk = "shared";
      run.notes.add("reused the shared disk " + record.diskPath);
    } else {
      rebuildDiskFromImage(saga);
    }
    saga.addCompensation(undo::removeDestinationCopy);
    run.destDefined = true;
    DomainSpec spec =
        new DomainSpec(
            record.id,
            record.name,
            record.flavor,
            run.newEpoch,
            record.domainXml,
            run.newDiskPath != null ? run.newDiskPath : record.diskPath,
            record.baseImage);
    run.observe(run.hosts.hypervisor(dest, "define", h -> h.define(spec)));
  }

  /**
   * A host-local disk died with its host: the destination makes a new one from the recorded base
   * image (a full copy from its own image store), of the recorded size. Whatever the guest wrote
   * after it was created is gone, and the move says so.
   */
  private void rebuildDiskFromImage(Saga saga) {
    InstanceRecord record = run.record;
    String dest = run.dest;
    run.disk = "rebuilt-from-base-image";
    if (run.request.destHost() == null) {
      BaseImage there = run.findBaseImage(dest);
      if (there == null) {
        throw run.missingImage(dest);
      }
    }
    long sizeMb = Math.max(0, record.diskSizeMb); // 0: the image's own size
    RootDisk made =
        run.hosts.disk(
            dest,
            "make a disk from image " + record.baseImage,
            d -> d.createDiskFromImage(record.id, run.imageName(), sizeMb, false));
    // Registered once the disk exists: a failed copy deletes its own partial volume.
    run.newDiskPath = made.path();
    saga.addCompensation(undo::deleteNewDisk);
    run.localDataLost = true;
    run.notes.add( // no failure: the move did what an evacuation can
        "local data of "
            + record.name
            + " is lost: its disk "
            + record.diskPath
            + " was local to "
            + run.source
            + " (left there, never deleted by Ferry); rebuilt on "
            + dest
            + " on a new disk "
            + run.newDiskPath
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
}
