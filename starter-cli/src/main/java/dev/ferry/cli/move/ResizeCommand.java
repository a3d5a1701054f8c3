package dev.ferry.cli.move;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.cli.follow.Follower;
import dev.ferry.client.FerryClient;
import dev.ferry.model.Flavors;
import dev.ferry.model.MoveType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry resize <server> --flavor F [--host H] [--confirm-window S] [--wait]}. */
@Command(
    name = "resize",
    description =
        "Resize a server to another flavor; it then waits in VERIFY_RESIZE for"
            + " 'resize-confirm' or 'resize-revert'.",
    mixinStandardHelpOptions = true)
public final class ResizeCommand extends ClientCommand {
  @Parameters(paramLabel = "SERVER", description = "Server name or id.")
  String server;

  @Option(names = "--flavor", required = true, paramLabel = "FLAVOR", description = "New flavor.")
  String flavor;

  @Mixin MoveOptions options;

  @Override
  protected void validate() {
    Flavors.require(flavor);
    options.validate();
  }

  @Override
  protected int run(FerryClient client, Output out) {
    String moveId = client.resizes().resize(server, flavor, options.host, options.confirmWindow);
    return MoveReport.report(
        new Follower(client), out, options, MoveType.RESIZE, server, flavor, moveId);
  }
}
