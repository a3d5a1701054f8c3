package dev.ferry.cli.server;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.client.FerryClient;
import dev.ferry.client.ServerDeletion;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.MoveSummary;
import dev.ferry.model.MoveType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry server delete <server>}. */
@Command(
    name = "delete",
    description =
        "Delete a server: its domain, its disk, its claim and its name. A server in VERIFY_RESIZE"
            + " has its resize or migration confirmed first, as Nova does.",
    mixinStandardHelpOptions = true)
public final class ServerDeleteCommand extends ClientCommand {
  @Parameters(paramLabel = "SERVER", description = "Server name or id.")
  String server;

  @Override
  protected int run(FerryClient client, Output out) {
    ServerDeletion deletion = client.servers().delete(server);
    InstanceRecord record = deletion.record();
    MoveSummary move = deletion.verifyResizeMove();
    out.emit(
        record,
        () -> {
          if (move != null) {
            out.println(
                "server "
                    + record.name
                    + " was in VERIFY_RESIZE: its "
                    + (move.type() == MoveType.RESIZE ? "resize " : "migration ")
                    + move.moveId()
                    + " was "
                    + move.status()
                    + " first (as Nova does)");
          }
          out.println("deleted server " + record.name + " (" + record.id + ")");
        });
    return 0;
  }
}
