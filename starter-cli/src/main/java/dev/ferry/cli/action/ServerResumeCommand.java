package dev.ferry.cli.action;

import dev.ferry.model.ServerAction;
import picocli.CommandLine.Command;

/** {@code ferry server resume <server>}. */
@Command(
    name = "resume",
    description = "Resume a suspended server from its saved memory.",
    mixinStandardHelpOptions = true)
public final class ServerResumeCommand extends ServerActionCommand {
  @Override
  ServerAction action() {
    return ServerAction.RESUME;
  }
}
