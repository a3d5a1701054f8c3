package dev.ferry.cli.action;

import dev.ferry.model.ServerAction;
import picocli.CommandLine.Command;

/** {@code ferry server unpause <server>}. */
@Command(
    name = "unpause",
    description = "Unpause a paused server.",
    mixinStandardHelpOptions = true)
public final class ServerUnpauseCommand extends ServerActionCommand {
  @Override
  ServerAction action() {
    return ServerAction.UNPAUSE;
  }
}
