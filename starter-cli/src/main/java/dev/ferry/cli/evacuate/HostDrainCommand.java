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

/** {@code ferry host drain <host> [--concurrency N] [--wait]}. */
@Command(
    name = "drain",
    description =
        "Disable an UP host, then live-migrate its running servers away, at most N at a time"
            + " (Nova's host-evacuate-live, run server-side).",
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
    String workflowId = client.evacuation().drainHost(host, concurrency);
    return HostMovesReport.report(client.evacuation(), out, workflowId, await, waitTimeout);
  }
}
