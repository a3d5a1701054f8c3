package dev.ferry.cli.host;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.client.FerryClient;
import dev.ferry.model.HostRecord;
import dev.ferry.model.Names;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry host set-down <name>}: Nova's {@code compute service set --down}. */
@Command(
    name = "set-down",
    description = "Force a host down: it counts as DOWN (evacuable) until 'host set-up'.",
    mixinStandardHelpOptions = true)
public final class HostSetDownCommand extends ClientCommand {
  @Parameters(paramLabel = "HOST", description = "The host's name.")
  String name;

  @Override
  protected void validate() {
    Names.requireValidName("host", name);
  }

  @Override
  protected int run(FerryClient client, Output out) {
    HostRecord host = client.hosts().forceDown(name);
    out.emit(
        host,
        "host "
            + host.name
            + ": forced down (it counts as DOWN until 'ferry host set-up "
            + host.name
            + "')");
    return 0;
  }
}
