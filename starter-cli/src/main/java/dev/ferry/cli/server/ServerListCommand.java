package dev.ferry.cli.server;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.cli.common.Views;
import dev.ferry.client.FerryClient;
import dev.ferry.model.InstanceRecord;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code ferry server list}. */
@Command(name = "list", description = "List servers.", mixinStandardHelpOptions = true)
public final class ServerListCommand extends ClientCommand {
  @Override
  protected int run(FerryClient client, Output out) {
    List<InstanceRecord> servers = client.servers().list();
    out.emit(
        servers.stream().map(ServerView::new).toList(),
        () -> out.print(Views.serverTable(servers)));
    return 0;
  }
}
