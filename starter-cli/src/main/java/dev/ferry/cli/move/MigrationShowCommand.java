package dev.ferry.cli.move;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.cli.common.TableWriter;
import dev.ferry.cli.common.Views;
import dev.ferry.cli.evacuate.EvacuationViews;
import dev.ferry.cli.live.LiveViews;
import dev.ferry.client.FerryClient;
import dev.ferry.model.MoveType;
import dev.ferry.move.MoveView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ferry migration show <server|move-id>}: a move and every status change; for a live
 * migration its options and progress, for an evacuation its fencing and disk. {@code --output json}
 * emits the move's common view only.
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

  @Override
  protected int run(FerryClient client, Output out) {
    MoveView view = client.moves().get(target);
    out.emit(
        view,
        () -> {
          TableWriter details = Views.moveDetails(view);
          if (view.type() == MoveType.EVACUATION) {
            EvacuationViews.addDetails(details, client.evacuation(), client.servers(), view);
          }
          out.print(details);
          if (view.type() == MoveType.LIVE_MIGRATION) {
            LiveViews.print(client.live(), out, view.moveId());
          }
          out.println("");
          out.print(Views.moveLog(view));
        });
    return 0;
  }
}
