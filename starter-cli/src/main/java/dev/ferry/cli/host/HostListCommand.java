package dev.ferry.cli.host;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.cli.common.Views;
import dev.ferry.client.FerryClient;
import dev.ferry.client.HostListing;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code ferry host list}. */
@Command(
    name = "list",
    description = "List hosts with status and capacity (used/capacity, allocation ratios applied).",
    mixinStandardHelpOptions = true)
public final class HostListCommand extends ClientCommand {
  @Override
  protected int run(FerryClient client, Output out) {
    List<HostListing> hosts = client.hosts().listings();
    out.emit(hosts, () -> out.print(Views.hostTable(hosts)));
    return 0;
  }
}
