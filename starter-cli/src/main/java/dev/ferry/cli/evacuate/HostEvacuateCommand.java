package dev.ferry.cli.evacuate;

import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.Durations;
import dev.ferry.cli.Output;
import dev.ferry.client.FerryClient;
import dev.ferry.model.Names;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry host evacuate <host> [--concurrency N] [--fence METHOD] [--wait]}. */
@Command(
    name = "evacuate",
    description =
        "Evacuate every server of a failed host (each fenced, then rebuilt elsewhere), at most N"
            + " at a time. Refused while the host is UP and not forced down.",
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

  @Option(names = "--wait", description = "Wait until every server is handled.")
  boolean await;

  @Option(
      names = "--wait-timeout",
      paramLabel = "DURATION",
      defaultValue = "2h",
      converter = Durations.class,
      description = "How long --wait waits (default: ${DEFAULT-VALUE}; 90s, 30m, 1h, 7d).")
  Duration waitTimeout;

  @Override
  protected void validate() {
    Names.requireValidName("host", host);
  }

  @Override
  protected int run(FerryClient client, Output out) {
    String workflowId = client.evacuation().evacuateHost(host, concurrency, fence);
    return HostMovesReport.report(client.evacuation(), out, workflowId, await, waitTimeout);
  }
}
