package dev.ferry.cli.host;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.client.FerryClient;
import dev.ferry.model.HostRecord;
import dev.ferry.model.Names;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry host set-up <name>}: unsets forced-down. */
@Command(
    name = "set-up",
    description = "Unset a host's forced-down; it is UP again once its agent holds a lease.",
    mixinStandardHelpOptions = true)
public final class HostSetUpCommand extends ClientCommand {
  @Parameters(paramLabel = "HOST", description = "The host's name.")
  String name;

  @Override
  protected void validate() {
    Names.requireValidName("host", name);
  }

  @Override
  protected int run(FerryClient client, Output out) {
    HostRecord host = client.hosts().unsetForceDown(name);
    out.emit(
        host,
        () -> {
          out.println("host " + host.name + ": no longer forced down (status " + host.status + ")");
          if (!host.cleanup.isEmpty()) {
            out.println(
                "it owes "
                    + host.cleanup.size()
                    + " cleanup item(s): its agent carries them out before it serves, or at once"
                    + " if it serves now; see 'ferry host cleanup "
                    + host.name
                    + "'");
          }
        });
    return 0;
  }
}
