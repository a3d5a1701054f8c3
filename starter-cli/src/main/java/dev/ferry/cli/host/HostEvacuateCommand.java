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

/**
 * {@code ferry host evacuate <host> [--host TARGET] [--concurrency N] [--fence METHOD] [--wait] |
 * --show [--wait] | --cancel}.
 */
@Command(
    name = "evacuate",
    description =
        "Evacuate every server of a failed host (each fenced, then rebuilt elsewhere), at most N"
            + " at a time. Refused while the host is UP and not forced down. --show follows one,"
            + " --cancel stops it starting more.",
    mixinStandardHelpOptions = true)
public final class HostEvacuateCommand extends ClientCommand {
  @Parameters(paramLabel = "HOST", description = "The failed host.")
  String host;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      defaultValue = "2",
      description = "Evacuations in flight at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--fence",
      paramLabel = "METHOD",
      description = "confirmed-off, libvirt-destroy, ipmi or redfish (default: the conductor's).")
  String fence;

  @Option(
      names = "--host",
      paramLabel = "TARGET",
      description = "Rebuild every server on this host (default: placement picks one per server).")
  String target;

  @Mixin HostMovesOptions options;

  @Override
  protected void validate() {
    HostMovesReport.validate(spec, options, "--concurrency", "--fence", "--host");
    Names.requireValidName("host", host);
  }

  @Override
  protected int run(FerryClient client, Output out) {
    return HostMovesReport.run(
        client,
        out,
        options,
        HostMoves.evacuationWorkflowId(host),
        () -> client.evacuation().evacuateHost(host, concurrency, fence, target));
  }
}
