package dev.ferry.live;

import dev.ferry.model.MoveOutcome;
import dev.ferry.model.MoveProgress;
import dev.ferry.model.PowerState;
import dev.ferry.model.TaskState;
import dev.ferry.model.VmState;
import dev.ferry.move.InstanceChannel;
import dev.ferry.move.MoveInput;
import dev.ferry.move.MoveView;
import java.util.List;

/**
 * Transitions and what they tell: the only caller of the state machine's {@code fire} (which the
 * table decides), the announcement of every change, the outcome for the instance, and the queries'
 * views.
 */
final class LiveReporting {

  private final LiveRun run;
  private InstanceChannel channel;

  LiveReporting(LiveRun run) {
    this.run = run;
  }

  /** Once the input is known (not a command: the external stub only names the instance). */
  void begin() {
    channel = new InstanceChannel(new MoveInput(run.request, run.record));
  }

  void fire(LiveMigrationEvent event, String actor) {
    run.machine.fire(event, actor);
    announce();
  }

  /** Every change: search attributes, UI details, and the instance's vm/task state. */
  void announce() {
    String details =
        run.status().novaName()
            + ": "
            + run.record.name
            + " "
            + run.source
            + (run.dest == null ? "" : " → " + run.dest)
            + (run.queued ? " (queued for a slot on " + run.source + ")" : "")
            + (run.postCopy ? " (post-copy)" : "");
    VmState vm = run.isFinal() ? run.settledVmState() : run.vmStateBefore();
    TaskState task = run.isFinal() ? TaskState.NONE : TaskState.MIGRATING;
    MoveProgress progress =
        new MoveProgress(
            run.moveId(),
            run.status().novaName(),
            vm,
            task,
            run.powerSeen.getOrDefault(run.currentHost(), run.record.powerState));
    channel.announce(run.request.type(), run.source, run.dest, details, progress);
  }

  /** The last word to the instance: where the guest is and in what state. */
  void closed() {
    channel.closed(outcome());
  }

  private MoveOutcome outcome() {
    String host = run.currentHost();
    return new MoveOutcome(
        run.moveId(),
        run.status().novaName(),
        run.status() == LiveMigrationStatus.COMPLETED,
        host,
        run.record.flavor,
        run.atDest ? run.newEpoch : run.record.epoch,
        run.xmlSeen.get(host),
        run.settledVmState(),
        run.powerSeen.getOrDefault(host, run.wasRunning ? PowerState.RUNNING : PowerState.PAUSED),
        run.errorText(),
        run.source,
        run.dest);
  }

  MoveView status() {
    return MoveView.of(run.request, run.record, run.source, run.dest, run.machine, run.errors);
  }

  LiveMigrationView live() {
    return new LiveMigrationView(
        run.moveId(),
        run.record == null ? null : run.record.id,
        run.record == null ? null : run.record.name,
        run.source,
        run.dest,
        run.status().novaName(),
        run.isFinal(),
        run.checksPassed,
        run.queued,
        run.sharedStorage,
        run.blockMigration,
        run.options,
        run.rejection == null ? null : run.rejection.reason().name(),
        List.copyOf(run.candidatesRefused),
        run.abortRequestedBy,
        run.forcedBy,
        run.postCopy,
        run.totalTimeMs,
        run.downtimeMs,
        run.errorText());
  }
}
