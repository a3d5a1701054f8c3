package dev.ferry.cli.server;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.cli.common.Views;
import dev.ferry.client.FerryClient;
import dev.ferry.model.InstanceRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry server show <server>}. */
@Command(
    name = "show",
    description = "Show a server's record, its moves and its actions.",
    mixinStandardHelpOptions = true)
public final class ServerShowCommand extends ClientCommand {
  @Parameters(paramLabel = "SERVER", description = "Server name or id.")
  String server;

  @Override
  protected int run(FerryClient client, Output out) {
    InstanceRecord record = client.servers().get(server);
    out.emit(
        new ServerView(record),
        () -> {
          out.print(Views.serverDetails(record));
          if (record.moves != null && !record.moves.isEmpty()) {
            out.println("");
            out.print(Views.moveHistory(record));
          }
          if (record.actions != null && !record.actions.isEmpty()) {
            out.println("");
            out.print(Views.actionHistory(record));
          }
        });
    return 0;
  }
}
