package dev.ferry.cli.live;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.client.FerryClient;
import dev.ferry.live.LiveMigrationView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry live-migration force-complete <server>}: Nova's force-complete. */
@Command(
    name = "force-complete",
    description =
        "Make the server's running live migration complete: pause the server (it resumes on the"
            + " destination), or switch to post-copy when the migration permits it.",
    mixinStandardHelpOptions = true)
public final class LiveMigrationForceCompleteCommand extends ClientCommand {
  @Parameters(paramLabel = "SERVER", description = "Server name or id.")
  String server;

  @Override
  protected int run(FerryClient client, Output out) {
    LiveMigrationView v = client.live().forceComplete(server);
    out.emit(
        v,
        "live migration "
            + v.moveId()
            + " of server "
            + server
            + " forced to complete: "
            + v.forcedBy()
            + "; follow it with: ferry migration show "
            + v.moveId());
    return 0;
  }
}
