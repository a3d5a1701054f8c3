package dev.ferry.resize;

import dev.ferry.model.MoveOutcome;
import dev.ferry.model.MoveProgress;
import dev.ferry.model.PowerState;
import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;
import dev.ferry.move.MoveView;

/**
 * What a resize tells: every transition announced (search attributes, UI details, the instance's
 * task state), its status for queries, and the outcome the instance takes over at the end.
 */
final class ResizeReporting {

  private final ResizeRun run;

  ResizeReporting(ResizeRun run) {
    this.run = run;
  }

  void fire(ResizeEvent event, String actor) {
    run.machine.fire(event, actor);
    announce(ResizeTaskStates.taskState(run.machine.state()));
  }

  /** Every status change: search attributes, UI details, and the instance's task state. */
  void announce(TaskState task) {
    String details =
        run.machine.state().novaName()
            + ": "
            + run.record.name
            + " "
            + run.source
            + (run.dest == null ? "" : " → " + run.dest)
            + flavorChange()
            + diskNote();
    VmState vm =
        run.machine.isFinal()
            ? settledVmState()
            : ResizeTaskStates.vmState(run.machine.state(), run.vmStateBefore());
    // waiting for a decision, the guest runs at the destination: the instance says so (as Nova)
    boolean atDestUndecided = vm == VmState.RESIZED && run.dest != null && !run.machine.isFinal();
    MoveProgress progress =
        new MoveProgress(
            run.moveId(),
            run.machine.state().novaName(),
            vm,
            task,
            powerAt(run.currentHost()),
            atDestUndecided ? run.dest : null,
            atDestUndecided ? run.newFlavor : null);
    run.channel.announce(run.request.type(), run.source, run.dest, details, progress);
  }

  MoveOutcome outcome() {
    String host = run.currentHost();
    return new MoveOutcome(
        run.moveId(),
        run.machine.state().novaName(),
        run.machine.state() != ResizeStatus.ERROR,
        host,
        run.atDest ? run.newFlavor : run.oldFlavor,
        run.atDest ? run.newEpoch : run.record.epoch,
        run.xmlSeen.get(host),
        settledVmState(),
        powerAt(host),
        run.errors.isEmpty() ? null : String.join("; ", run.errors),
        run.source,
        run.dest);
  }

  private VmState settledVmState() {
    if (run.machine.state() == ResizeStatus.ERROR && run.instanceInError) {
      return VmState.ERROR;
    }
    if (run.refusedByGuest()) {
      return run.guest.vmState();
    }
    return run.wasRunning ? VmState.ACTIVE : VmState.STOPPED;
  }

  /** The power state last seen on {@code host}; a guest that refused the move, as it was read. */
  private PowerState powerAt(String host) {
    return run.refusedByGuest()
        ? run.guest.powerState()
        : run.powerSeen.getOrDefault(host, PowerState.NOSTATE);
  }

  MoveView status() {
    return MoveView.of(run.request, run.record, run.source, run.dest, run.machine, run.errors);
  }

  private String flavorChange() {
    if (run.oldFlavor == null || run.newFlavor == null) {
      return "";
    }
    return " ("
        + run.oldFlavor.name()
        + (run.newFlavor.equals(run.oldFlavor) ? "" : " → " + run.newFlavor.name())
        + ")";
  }

  private String diskNote() {
    if (run.diskCopy != null) {
      return "; disk copied: "
          + run.diskCopy.bytes()
          + " bytes in "
          + run.diskCopy.millis()
          + " ms";
    }
    return run.copiesDisk ? "; host-local disk: copy pending" : "";
  }
}
