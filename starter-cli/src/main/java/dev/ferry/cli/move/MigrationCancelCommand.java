package dev.ferry.cli.move;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Durations;
import dev.ferry.cli.common.Output;
import dev.ferry.cli.common.Views;
import dev.ferry.client.FerryClient;
import dev.ferry.client.FerryFailure;
import dev.ferry.client.MoveEnd;
import dev.ferry.move.MoveView;
import dev.ferry.resize.ResizeStatus;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ferry migration cancel <server>}: stops a resize or cold migration the safe way (a
 * workflow cancel: its compensation runs), never by terminating it.
 */
@Command(
    name = "cancel",
    description =
        "Cancel the server's resize or cold migration: it is undone (back on its source host with"
            + " its old flavor, the destination cleaned up) and ends 'cancelled'; in"
            + " VERIFY_RESIZE it is reverted. A step already running on a host finishes first."
            + " Answers when the move has ended.",
    mixinStandardHelpOptions = true)
public final class MigrationCancelCommand extends ClientCommand {
  @Parameters(paramLabel = "SERVER", description = "Server name or id.")
  String server;

  @Option(
      names = "--wait-timeout",
      paramLabel = "DURATION",
      defaultValue = "10m",
      converter = Durations.class,
      description =
          "How long to wait for the move to end (default: ${DEFAULT-VALUE}; 90s, 30m, 1h, 7d).")
  Duration waitTimeout;

  @Override
  protected int run(FerryClient client, Output out) {
    MoveView view = client.resizes().cancel(server, waitTimeout);
    if (MoveEnd.RESIZE_ENDED.is(view, ResizeStatus.ERROR)) {
      throw new FerryFailure(
          "move "
              + view.moveId()
              + " of server "
              + server
              + " could not be undone cleanly: "
              + (view.error() != null ? view.error() : "no reason recorded")
              + "; see 'ferry migration show "
              + view.moveId()
              + "'");
    }
    out.emit(
        view,
        () -> {
          out.println(
              "move "
                  + view.moveId()
                  + " of server "
                  + server
                  + " is "
                  + view.status()
                  + (MoveEnd.RESIZE_ENDED.is(view, ResizeStatus.CANCELLED)
                          || MoveEnd.RESIZE_ENDED.is(view, ResizeStatus.REVERTED)
                      ? ": the server stays on " + view.sourceHost()
                      : ""));
          out.print(Views.moveDetails(view));
        });
    return 0;
  }
}
