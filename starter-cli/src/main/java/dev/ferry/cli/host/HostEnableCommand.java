package dev.ferry.cli.host;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.client.FerryClient;
import dev.ferry.model.HostRecord;
import dev.ferry.model.Names;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry host enable <name>}. */
@Command(
    name = "enable",
    description = "Let the scheduler place servers on a host again.",
    mixinStandardHelpOptions = true)
public final class HostEnableCommand extends ClientCommand {
  @Parameters(paramLabel = "HOST", description = "The host's name.")
  String name;

  @Override
  protected void validate() {
    Names.requireValidName("host", name);
  }

  @Override
  protected int run(FerryClient client, Output out) {
    HostRecord host = client.hosts().enable(name);
    out.emit(host, "host " + host.name + ": enabled");
    return 0;
  }
}
