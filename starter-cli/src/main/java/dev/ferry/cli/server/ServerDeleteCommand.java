package dev.ferry.cli.server;

import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.Output;
import dev.ferry.client.FerryClient;
import dev.ferry.model.InstanceRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry server delete <server>}. */
@Command(
    name = "delete",
    description = "Delete a server: its domain, its disk, its claim and its name.",
    mixinStandardHelpOptions = true)
public final class ServerDeleteCommand extends ClientCommand {
  @Parameters(paramLabel = "SERVER", description = "Server name or id.")
  String server;

  @Override
  protected int run(FerryClient client, Output out) {
    InstanceRecord record = client.servers().delete(server);
    out.emit(record, "deleted server " + record.name + " (" + record.id + ")");
    return 0;
  }
}
