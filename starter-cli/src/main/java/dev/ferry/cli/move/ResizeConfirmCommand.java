package dev.ferry.cli.move;

import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.Output;
import dev.ferry.cli.Views;
import dev.ferry.client.FerryClient;
import dev.ferry.move.MoveView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry resize-confirm <server>}. */
@Command(
    name = "resize-confirm",
    description = "Confirm a resize or cold migration waiting in VERIFY_RESIZE.",
    mixinStandardHelpOptions = true)
public final class ResizeConfirmCommand extends ClientCommand {
  @Parameters(paramLabel = "SERVER", description = "Server name or id.")
  String server;

  @Override
  protected int run(FerryClient client, Output out) {
    MoveView view = client.resizes().confirm(server);
    out.emit(
        view,
        () -> {
          out.println("confirmed move " + view.moveId() + " of server " + server);
          out.print(Views.moveDetails(view));
        });
    return 0;
  }
}
