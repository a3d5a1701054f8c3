package dev.ferry.cli.server;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Durations;
import dev.ferry.cli.common.Output;
import dev.ferry.cli.common.Views;
import dev.ferry.client.FerryClient;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.InstanceRecord;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry server adopt <host> <domain>}. */
@Command(
    name = "adopt",
    description = "Make an existing libvirt domain that Ferry did not define a Ferry server.",
    mixinStandardHelpOptions = true)
public final class ServerAdoptCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "HOST", description = "The host the domain runs on.")
  String host;

  @Parameters(index = "1", paramLabel = "DOMAIN", description = "The libvirt domain's name.")
  String domain;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "2m",
      converter = Durations.class,
      description = "How long to wait for the adoption (default: ${DEFAULT-VALUE}; 90s, 30m, 1h).")
  Duration timeout;

  @Override
  protected int run(FerryClient client, Output out) {
    String id = client.servers().adopt(host, domain, timeout);
    String line = "adopted domain " + domain + " on host " + host + " as server " + id;
    InstanceRecord record;
    try {
      record = client.servers().get(id);
    } catch (FerryRejection notYetVisible) {
      // adopted all the same; its record is not readable yet
      out.emit(Map.of("instanceId", id), line);
      return 0;
    }
    out.emit(
        new ServerView(record),
        () -> {
          out.println(line);
          out.print(Views.serverDetails(record));
        });
    return 0;
  }
}
