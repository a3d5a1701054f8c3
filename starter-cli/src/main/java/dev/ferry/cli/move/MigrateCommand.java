package dev.ferry.cli.move;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.cli.follow.Follower;
import dev.ferry.client.FerryClient;
import dev.ferry.model.MoveType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ferry migrate <server> [--host H] [--confirm-window S] [--wait]}: cold migration. */
@Command(
    name = "migrate",
    description =
        "Cold-migrate a server (stop, move, start); it then waits in VERIFY_RESIZE for"
            + " 'resize-confirm' or 'resize-revert'.",
    mixinStandardHelpOptions = true)
public final class MigrateCommand extends ClientCommand {
  @Parameters(paramLabel = "SERVER", description = "Server name or id.")
  String server;

  @Mixin MoveOptions options;

  @Override
  protected void validate() {
    options.validate();
  }

  @Override
  protected int run(FerryClient client, Output out) {
    String moveId = client.resizes().migrate(server, options.host, options.confirmWindow);
    return MoveReport.report(
        new Follower(client), out, options, MoveType.COLD_MIGRATION, server, null, moveId);
  }
}
