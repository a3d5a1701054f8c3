package dev.ferry.evacuate;

import dev.ferry.model.MoveOutcome;
import dev.ferry.model.MoveProgress;
import dev.ferry.model.PowerState;
import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;
import dev.ferry.move.MoveView;
import java.util.List;

/**
 * What an evacuation tells: every transition announced (search attributes, UI details, the
 * instance's vm/task state), its status and details for queries, and the outcome the instance takes
 * over at the end.
 */
final class EvacuationReporting {

  private final EvacuationRun run;

  EvacuationReporting(EvacuationRun run) {
    this.run = run;
  }

  void fire(EvacuationEvent event, String actor) {
    run.machine.fire(event, actor);
    announce();
  }

  /** Every status change: search attributes, UI details, and the instance's vm/task state. */
  void announce() {
    String details =
        run.machine.state().novaName()
            + ": evacuate "
            + run.record.name
            + " from "
            + run.source
            + (run.dest == null ? "" : " → " + run.dest);
    MoveOutcome end = run.machine.isFinal() ? outcome() : null;
    MoveProgress progress =
        new MoveProgress(
            run.request.moveId(),
            run.machine.state().novaName(),
            end != null ? end.vmState() : run.record.vmState,
            end != null ? TaskState.NONE : TaskState.REBUILDING,
            end != null ? end.powerState() : run.record.powerState);
    run.channel.announce(run.request.type(), run.source, run.dest, details, progress);
  }

  MoveOutcome outcome() {
    EvacuationStatus status = run.machine.state();
    boolean done = status == EvacuationStatus.DONE;
    return new MoveOutcome(
            run.request.moveId(),
            status.novaName(),
            done,
            done ? run.dest : run.source,
            run.record.flavor,
            done ? run.newEpoch : run.record.epoch,
            done && run.destXml != null ? run.destXml : run.record.domainXml,
            vmState(status),
            powerState(status),
            run.errors.isEmpty() ? null : String.join("; ", run.errors),
            run.source,
            run.dest != null ? run.dest : run.request.destHost())
        .withNote(note());
  }

  /** The move's notes as the instance records them: what the operator should know, no error. */
  private String note() {
    return run.notes.isEmpty() ? null : String.join("; ", run.notes);
  }

  /**
   * Rebuilt (DONE): as it was before. Refused (FAILED): the record stays as it was (its lastError
   * says why). Fenced, not rebuilt (ERROR): it runs nowhere; ERROR, still on the failed host;
   * evacuate again.
   */
  private VmState vmState(EvacuationStatus status) {
    return switch (status) {
      case DONE -> run.wasStopped ? VmState.STOPPED : VmState.ACTIVE;
      case FAILED -> run.record.vmState;
      default -> VmState.ERROR;
    };
  }

  private PowerState powerState(EvacuationStatus status) {
    return switch (status) {
      case DONE -> run.destPower;
      case FAILED -> run.record.powerState;
      default -> PowerState.NOSTATE;
    };
  }

  MoveView status() {
    return MoveView.of(run.request, run.record, run.source, run.dest, run.machine, run.errors);
  }

  EvacuationDetails details() {
    return new EvacuationDetails(
        run.fenceMethod,
        run.fencingSummary,
        run.disk,
        run.localDataLost,
        run.newEpoch,
        List.copyOf(run.notes));
  }
}
