package dev.ferry.cli.host;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.client.FerryClient;
import dev.ferry.evacuate.HostMoves;
import dev.ferry.model.Names;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry host drain <host> [--concurrency N] [--wait] | --show [--wait] | --cancel}. */
@Command(
    name = "drain",
    description =
        "Disable an UP host, then live-migrate its running servers away, at most N at a time"
            + " (Nova's host-evacuate-live, run server-side). --show follows one, --cancel stops"
            + " it starting more.",
    mixinStandardHelpOptions = true)
public final class HostDrainCommand extends ClientCommand {
  @Parameters(paramLabel = "HOST", description = "The host to empty.")
  String host;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      defaultValue = "1",
      description = "Live migrations in flight at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Mixin HostMovesOptions options;

  @Override
  protected void validate() {
    HostMovesReport.validate(spec, options, "--concurrency");
    Names.requireValidName("host", host);
  }

  @Override
  protected int run(FerryClient client, Output out) {
    return HostMovesReport.run(
        client,
        out,
        options,
        HostMoves.drainWorkflowId(host),
        () -> client.evacuation().drainHost(host, concurrency));
  }
}
