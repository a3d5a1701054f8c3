package dev.ferry.cli.move;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.cli.common.StepViews;
import dev.ferry.cli.common.TableWriter;
import dev.ferry.cli.common.Views;
import dev.ferry.cli.evacuate.EvacuationViews;
import dev.ferry.cli.live.LiveViews;
import dev.ferry.client.FerryClient;
import dev.ferry.client.RunningStep;
import dev.ferry.live.JobProgress;
import dev.ferry.live.LiveMigrationView;
import dev.ferry.model.MoveType;
import dev.ferry.move.MoveView;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ferry migration show <server|move-id>}: a move and every status change; for a live
 * migration its options and progress, for an evacuation its fencing and disk. {@code --output json}
 * emits the move's common view, its {@link NovaMigration} fields, and what the table shows besides:
 * {@code live} and {@code progress} (a live migration's view and running job, else null), {@code
 * evacuation} (an evacuation's details, else null), {@code step} (what a move still going runs now,
 * with a disk copy's bytes, rate and ETA or a shutdown's wait, else null).
 */
@Command(
    name = "show",
    description =
        "Show a move and every status change with its time (UTC) and actor. Given a server,"
            + " shows its current move, else its last one.",
    mixinStandardHelpOptions = true)
public final class MigrationShowCommand extends ClientCommand {
  @Parameters(paramLabel = "SERVER|MOVE-ID", description = "Server name or id, or a move id.")
  String target;

  /** What the table shows besides the move's view. */
  record Extras(
      LiveMigrationView live,
      JobProgress progress,
      EvacuationViews.Shown evacuation,
      StepViews.StepJson step) {}

  @Override
  protected int run(FerryClient client, Output out) {
    MoveView view = client.moves().get(target);
    LiveMigrationView live =
        view.type() == MoveType.LIVE_MIGRATION ? client.live().view(view.moveId()) : null;
    JobProgress progress =
        live != null && !live.finished()
            ? client.live().progress(view.moveId()).orElse(null)
            : null;
    EvacuationViews.Shown evacuation =
        view.type() == MoveType.EVACUATION
            ? EvacuationViews.shown(client.evacuation(), client.servers(), view)
            : null;
    RunningStep step = view.finished() ? null : client.moves().step(view.moveId()).orElse(null);
    Instant now = Instant.now();
    if (out.isJson()) {
      NovaMigration nova = NovaMigration.of(view, progress, step == null ? null : step.copy());
      StepViews.StepJson stepJson = step == null ? null : StepViews.StepJson.of(step, view, now);
      out.emit(Output.merged(view, nova, new Extras(live, progress, evacuation, stepJson)), "");
      return 0;
    }
    TableWriter details = Views.moveDetails(view);
    if (step != null) {
      details.row("Step:", StepViews.line(step, view, now));
    }
    EvacuationViews.addDetails(details, view, evacuation);
    out.print(details);
    LiveViews.print(out, live, progress);
    out.println("");
    out.print(Views.moveLog(view));
    return 0;
  }
}
