package dev.ferry.cli.server;

import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.Output;
import dev.ferry.cli.Views;
import dev.ferry.client.FerryClient;
import dev.ferry.model.Flavors;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.Names;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry server create --name N --flavor F [--host H]}. */
@Command(
    name = "create",
    description = "Create a server and wait until it is ACTIVE.",
    mixinStandardHelpOptions = true)
public final class ServerCreateCommand extends ClientCommand {
  @Option(names = "--name", required = true, paramLabel = "NAME", description = "Server name.")
  String name;

  @Option(
      names = "--flavor",
      required = true,
      paramLabel = "FLAVOR",
      description = "Flavor, e.g. t1.nano, m1.small.")
  String flavor;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Host to build on (default: the alive, enabled host with most free memory).")
  String host;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "300",
      description = "How long to wait for the build (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Override
  protected void validate() {
    Names.requireValidName("server", name);
    Flavors.require(flavor);
    if (host != null) {
      Names.requireValidName("host", host);
    }
  }

  @Override
  protected int run(FerryClient client, Output out) {
    InstanceRecord server =
        client.createServer(name, flavor, host, Duration.ofSeconds(timeoutSeconds));
    out.emit(server, () -> out.print(Views.serverDetails(server)));
    return 0;
  }
}
