package dev.ferry.cli.action;

import dev.ferry.model.ServerAction;
import picocli.CommandLine.Command;

/** {@code ferry server start <server>}. */
@Command(name = "start", description = "Start a stopped server.", mixinStandardHelpOptions = true)
public final class ServerStartCommand extends ServerActionCommand {
  @Override
  ServerAction action() {
    return ServerAction.START;
  }
}
