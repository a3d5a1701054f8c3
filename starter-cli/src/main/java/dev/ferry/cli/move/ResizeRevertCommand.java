package dev.ferry.cli.move;

import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.Output;
import dev.ferry.cli.Views;
import dev.ferry.client.FerryClient;
import dev.ferry.move.MoveView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry resize-revert <server>}. */
@Command(
    name = "resize-revert",
    description =
        "Revert a resize or cold migration waiting in VERIFY_RESIZE: back to the source host and"
            + " the old flavor.",
    mixinStandardHelpOptions = true)
public final class ResizeRevertCommand extends ClientCommand {
  @Parameters(paramLabel = "SERVER", description = "Server name or id.")
  String server;

  @Override
  protected int run(FerryClient client, Output out) {
    MoveView view = client.resizes().revert(server);
    out.emit(
        view,
        () -> {
          out.println("reverted move " + view.moveId() + " of server " + server);
          out.print(Views.moveDetails(view));
        });
    return 0;
  }
}
