package dev.ferry.cli.action;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Output;
import dev.ferry.client.FerryClient;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.VmState;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry server reset-state <server> [--active|--error]} (admin, Nova's os-resetState). */
@Command(
    name = "reset-state",
    description =
        "Set a server's state to ERROR (default) or ACTIVE without touching its host, for what"
            + " `server reconcile` cannot decide (admin, as Nova's reset-state). Refused while a"
            + " move or action holds the server.",
    mixinStandardHelpOptions = true)
public final class ServerResetStateCommand extends ClientCommand {
  @Parameters(paramLabel = "SERVER", description = "Server name or id.")
  String server;

  @ArgGroup(exclusive = true)
  Target target;

  static final class Target {
    @Option(names = "--active", description = "Set the state to ACTIVE.")
    boolean active;

    @Option(names = "--error", description = "Set the state to ERROR (the default).")
    boolean error;
  }

  @Override
  protected int run(FerryClient client, Output out) {
    VmState state = target != null && target.active ? VmState.ACTIVE : VmState.ERROR;
    InstanceRecord record = client.actions().resetState(server, state);
    out.emit(record, "server " + record.name + " is now " + record.vmState);
    return 0;
  }
}
