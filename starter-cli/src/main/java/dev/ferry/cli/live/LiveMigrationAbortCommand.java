package dev.ferry.cli.live;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.client.FerryClient;
import dev.ferry.live.LiveMigrationView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry live-migration abort <server>}: Nova's live-migration abort. */
@Command(
    name = "abort",
    description =
        "Abort the server's live migration; it stays on its source. Refused once post-copy has"
            + " started. Answers when the migration has ended (it may have completed: an abort can"
            + " lose the race at switch-over).",
    mixinStandardHelpOptions = true)
public final class LiveMigrationAbortCommand extends ClientCommand {
  @Parameters(paramLabel = "SERVER", description = "Server name or id.")
  String server;

  @Override
  protected int run(FerryClient client, Output out) {
    LiveMigrationView v = client.live().abort(server);
    out.emit(
        v,
        "live migration "
            + v.moveId()
            + " of server "
            + server
            + " is "
            + v.status()
            + ("completed".equals(v.status())
                ? ": the abort came too late, the server runs on " + v.destHost()
                : ": the server stays on " + v.sourceHost()));
    return 0;
  }
}
