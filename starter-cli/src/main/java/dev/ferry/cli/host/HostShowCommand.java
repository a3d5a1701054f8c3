package dev.ferry.cli.host;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.cli.common.Views;
import dev.ferry.client.FerryClient;
import dev.ferry.client.HostListing;
import dev.ferry.model.Names;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry host show <name>}. */
@Command(
    name = "show",
    description = "Show one host's record, capacity and cleanup list.",
    mixinStandardHelpOptions = true)
public final class HostShowCommand extends ClientCommand {
  @Parameters(paramLabel = "HOST", description = "The host's name.")
  String name;

  @Override
  protected void validate() {
    Names.requireValidName("host", name);
  }

  @Override
  protected int run(FerryClient client, Output out) {
    HostListing host = client.hosts().listing(name);
    out.emit(host, () -> out.print(Views.hostDetails(host)));
    return 0;
  }
}
