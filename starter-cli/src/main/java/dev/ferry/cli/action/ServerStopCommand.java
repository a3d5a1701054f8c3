package dev.ferry.cli.action;

import dev.ferry.model.ServerAction;
import picocli.CommandLine.Command;

/** {@code ferry server stop <server>}. */
@Command(
    name = "stop",
    description =
        "Stop a server: ACPI shutdown, destroyed after the cluster's graceful window (Nova's stop).",
    mixinStandardHelpOptions = true)
public final class ServerStopCommand extends ServerActionCommand {
  @Override
  ServerAction action() {
    return ServerAction.STOP;
  }
}
