package dev.ferry.cli.host;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.client.FerryClient;
import dev.ferry.model.HostRecord;
import dev.ferry.model.Names;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry host disable <name> [--reason R]}. */
@Command(
    name = "disable",
    description = "Keep the scheduler from placing servers on a host (its servers stay).",
    mixinStandardHelpOptions = true)
public final class HostDisableCommand extends ClientCommand {
  @Parameters(paramLabel = "HOST", description = "The host's name.")
  String name;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why, shown in 'host show'.")
  String reason;

  @Override
  protected void validate() {
    Names.requireValidName("host", name);
  }

  @Override
  protected int run(FerryClient client, Output out) {
    HostRecord host = client.hosts().disable(name, reason);
    out.emit(
        host, "host " + host.name + ": disabled" + (reason != null ? " (" + reason + ")" : ""));
    return 0;
  }
}
