package dev.ferry.cli.action;

import dev.ferry.model.ServerAction;
import picocli.CommandLine.Command;

/** {@code ferry server suspend <server>}. */
@Command(
    name = "suspend",
    description =
        "Suspend a server: its memory is saved to disk and the guest stops (a managed save, Nova's suspend).",
    mixinStandardHelpOptions = true)
public final class ServerSuspendCommand extends ServerActionCommand {
  @Override
  ServerAction action() {
    return ServerAction.SUSPEND;
  }
}
